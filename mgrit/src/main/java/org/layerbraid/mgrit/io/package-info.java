/**
 * Files: {@link org.layerbraid.mgrit.io.AtomicFiles} replaces a file all at once or not at all (checkpoints and
 * summaries survive a crash mid-write), {@link org.layerbraid.mgrit.io.SafeTensors} reads and writes tensors
 * in Hugging Face's safetensors format, so models and optimiser state open in numpy and PyTorch, and
 * {@link org.layerbraid.mgrit.io.OnnxModel} builds ONNX model files (with its own small protobuf encoder, no
 * dependency) for ONNX runtimes to serve.
 */
package org.layerbraid.mgrit.io;

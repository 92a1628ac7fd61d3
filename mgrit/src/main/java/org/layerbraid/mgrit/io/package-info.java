/**
 * Files: {@link org.layerbraid.mgrit.io.AtomicFiles} replaces a file all at once or not at all (checkpoints and
 * summaries survive a crash mid-write), and {@link org.layerbraid.mgrit.io.SafeTensors} reads and writes tensors
 * in Hugging Face's safetensors format, so models and optimiser state open in numpy and PyTorch.
 */
package org.layerbraid.mgrit.io;

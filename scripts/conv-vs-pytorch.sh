#!/usr/bin/env bash
# Forward + backward of the same convolutional ResNet (28 × 28, 4 channels, 8 layers of 3 × 3, batch 1024, f32, tanh)
# in LayerBraid (JMH, ConvGradientBench) and in PyTorch CPU (scripts/torch_conv_resnet.py), 1 and 2 threads, one
# after the other in one session so that the ratios compare like with like. Needs the benchmarks jar
# (mvn -B -o -pl jmh-benchmarks -am package -DskipTests) and Debian's python3-torch (/usr/bin/python3).
# Extra arguments go to both sides, e.g. CHANNELS=8 BATCH=512 scripts/conv-vs-pytorch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
channels="${CHANNELS:-4}"; layers="${LAYERS:-8}"; batch="${BATCH:-1024}"
"$java" -jar jmh-benchmarks/target/benchmarks.jar ConvGradientBench -p channels="$channels" -p layers="$layers" \
    -p batch="$batch" -p threads=1,2 -p precision=F32 -rf csv -rff /tmp/conv-gradient-bench.csv 2>/dev/null \
    | grep -E "^(Benchmark|ConvGradientBench)"
/usr/bin/python3 scripts/torch_conv_resnet.py --channels "$channels" --layers "$layers" --batch "$batch" --threads 1 2
# PyTorch's best case: with glibc's default thresholds it frees and maps its large buffers again on every step.
echo "# PyTorch with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ raised (no page faults per step)"
MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000 /usr/bin/python3 scripts/torch_conv_resnet.py \
    --channels "$channels" --layers "$layers" --batch "$batch" --threads 1 2

#!/usr/bin/env python3
"""Forward + backward time of the convolutional ResNet of ConvGradientBench in PyTorch on the CPU.

The same network as LayerBraid's `--layer conv --opening replicate`: the 28 x 28 image copied into C channels,
N residual layers u <- u + h * tanh(conv3x3(u) + b) (same padding, one bias per channel), a linear classifier on
the flattened last state, mean cross-entropy; float32, one batch of random images. Prints one line per thread
count: threads, median milliseconds per forward + backward (of --repeats timed runs after --warmup untimed ones).

Run it with Debian's interpreter (python3-torch): /usr/bin/python3 scripts/torch_conv_resnet.py
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvResNet(nn.Module):
    def __init__(self, channels, layers, final_time, classes=10, side=28):
        super().__init__()
        self.channels = channels
        self.h = final_time / layers
        self.layers = nn.ModuleList(nn.Conv2d(channels, channels, 3, padding=1) for _ in range(layers))
        self.classifier = nn.Linear(channels * side * side, classes)

    def forward(self, images):
        u = images.expand(-1, self.channels, -1, -1)
        for conv in self.layers:
            u = u + self.h * torch.tanh(conv(u))
        return self.classifier(u.flatten(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--final-time", type=float, default=2.0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    torch.manual_seed(1)
    model = ConvResNet(args.channels, args.layers, args.final_time).float()
    images = torch.rand(args.batch, 1, 28, 28)
    labels = torch.randint(0, 10, (args.batch,))
    print(f"# torch {torch.__version__}, {args.channels} channels, {args.layers} layers, batch {args.batch}, f32")
    for threads in args.threads:
        torch.set_num_threads(threads)
        times = []
        for run in range(args.warmup + args.repeats):
            model.zero_grad(set_to_none=True)
            start = time.perf_counter()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            elapsed = time.perf_counter() - start
            if run >= args.warmup:
                times.append(elapsed)
        print(f"pytorch threads={threads} forward+backward {1e3 * statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()

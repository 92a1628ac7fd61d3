#!/usr/bin/env python3
"""Time of one convolutional residual layer step, forward and forward + backward, in PyTorch on the CPU.

The layer of LayerBraid's ConvStepBench: next = u + h * tanh(conv(u) + b), a same-padding k x k convolution of
C channels of size x size with one bias per channel; the backward pass takes a given adjoint lambda to the
gradients of u, the kernel and the bias (what LayerBraid's convAdjointStep with the gradients computes). Prints
a table: threads, precision, batch, median milliseconds of the forward step and of forward + backward (of
--repeats timed runs after --warmup untimed ones), and GFLOP/s counted as JMH's conv suite counts them:
2 * C^2 * k^2 * size^2 per example and convolution, one convolution forward and two backward.

Run it with Debian's interpreter (python3-torch): /usr/bin/python3 scripts/torch_conv_layer.py
With glibc's default allocator most of the backward time is page faults: PyTorch frees and maps its large
buffers again on every step. Raising glibc's thresholds gives PyTorch's best case (about 6x faster backward at
one thread here):
    MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000 /usr/bin/python3 scripts/torch_conv_layer.py
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


def median_ms(fn, warmup, repeats):
    times = []
    for run in range(warmup + repeats):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        if run >= warmup:
            times.append(elapsed)
    return 1000 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--kernel", type=int, default=3)
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--precision", nargs="+", default=["f32", "f64"], choices=["f32", "f64"])
    parser.add_argument("--step", type=float, default=0.1, help="h, the layer's step size")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    c, s, k = args.channels, args.size, args.kernel
    conv_flops = 2.0 * c * c * k * k * s * s
    print(f"# torch {torch.__version__}, conv residual layer: {c} channels of {s} x {s}, {k} x {k}, tanh, h = {args.step}")
    print("threads precision batch forward_ms forward_backward_ms forward_gflops forward_backward_gflops")
    for threads in args.threads:
        torch.set_num_threads(threads)
        for precision in args.precision:
            dtype = torch.float32 if precision == "f32" else torch.float64
            for batch in args.batch:
                torch.manual_seed(1)
                conv = nn.Conv2d(c, c, k, padding=k // 2).to(dtype)
                u = torch.rand(batch, c, s, s, dtype=dtype, requires_grad=True)
                adjoint = torch.rand(batch, c, s, s, dtype=dtype)

                def forward():
                    with torch.no_grad():
                        return u + args.step * torch.tanh(conv(u))

                def forward_backward():
                    u.grad = None
                    conv.zero_grad(set_to_none=True)
                    out = u + args.step * torch.tanh(conv(u))
                    out.backward(adjoint)

                fwd = median_ms(forward, args.warmup, args.repeats)
                both = median_ms(forward_backward, args.warmup, args.repeats)
                print(f"{threads} {precision} {batch} {fwd:.3f} {both:.3f} "
                      f"{conv_flops * batch / fwd / 1e6:.1f} {3 * conv_flops * batch / both / 1e6:.1f}")


if __name__ == "__main__":
    main()

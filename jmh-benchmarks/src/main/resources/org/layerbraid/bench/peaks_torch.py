"""The Peaks network of LayerBraid's SerialGradientBench, written the way a PyTorch user would, timed on the CPU.

One forward + backward = opening u0 = s(W0 y + b0), N residual layers u <- u + h s(K_n u + b_n) with a scalar
bias per layer, classifier W u_N + mu, mean softmax cross-entropy, the same Tikhonov and smoothness-across-layers
terms, then loss.backward() for every parameter's gradient. s is the smooth ReLU (the reference code's: ReLU
with the quadratic patch x^2/(4 eta) + x/2 + eta/4 on (-eta, eta), eta = 0.1) or tanh. Weights are drawn from
N(0, 0.5^2) as the Java benchmark's are; the inputs are uniform on Peaks' square [-3, 3]^2 and the labels
uniform over the 5 classes (the timing does not depend on their values).

Prints one JSON object: the median time of one forward + backward over the measured repetitions, its spread,
the number of parameters, PyTorch's version and its thread count. Standard library and torch only.
"""
import argparse
import json
import statistics
import time

import torch

ETA = 0.1
GAMMA_TIK, GAMMA_DDT, GAMMA_CLASS = 1e-7, 1e-5, 1e-7


def smooth_relu(x):
    patch = x * x / (4 * ETA) + x / 2 + ETA / 4
    return torch.where(x >= ETA, x, torch.where(x <= -ETA, torch.zeros_like(x), patch))


def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--layers", type=int, default=1024)
    a.add_argument("--width", type=int, default=8)
    a.add_argument("--examples", type=int, default=5000)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--activation", choices=["smoothrelu", "tanh"], default="smoothrelu")
    a.add_argument("--dtype", choices=["f64", "f32"], default="f64")
    a.add_argument("--warmup", type=int, default=3, help="untimed repetitions first")
    a.add_argument("--seconds", type=float, default=5.0, help="measure at least this long")
    a.add_argument("--repetitions", type=int, default=5, help="and at least this many repetitions")
    args = a.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dtype = torch.float64 if args.dtype == "f64" else torch.float32
    act = smooth_relu if args.activation == "smoothrelu" else torch.tanh
    n, w, h = args.layers, args.width, 1.0 / args.layers

    def leaf(*shape):
        return (0.5 * torch.randn(*shape, dtype=dtype)).requires_grad_()

    opening_w, opening_b = leaf(w, 2), leaf(1)
    ks = [leaf(w, w) for _ in range(n)]
    bs = [leaf(1) for _ in range(n)]
    classifier_w, classifier_b = leaf(5, w), leaf(5)
    params = [opening_w, opening_b, *ks, *bs, classifier_w, classifier_b]
    y = 6 * torch.rand(args.examples, 2, dtype=dtype) - 3
    labels = torch.randint(0, 5, (args.examples,))

    def forward_backward():
        for p in params:
            p.grad = None
        u = act(y @ opening_w.T + opening_b)
        for k, b in zip(ks, bs):
            u = u + h * act(u @ k.T + b)
        loss = torch.nn.functional.cross_entropy(u @ classifier_w.T + classifier_b, labels)
        tik = opening_w.square().sum() + opening_b.square().sum()
        ddt = 0
        for i in range(n):
            tik = tik + ks[i].square().sum() + bs[i].square().sum()
            if i > 0:
                ddt = ddt + (ks[i] - ks[i - 1]).square().sum() + (bs[i] - bs[i - 1]).square().sum()
        classifier = classifier_w.square().sum() + classifier_b.square().sum()
        objective = loss + GAMMA_TIK / 2 * tik + GAMMA_DDT / (2 * h * h) * ddt + GAMMA_CLASS / 2 * classifier
        objective.backward()
        return objective.item()

    for _ in range(args.warmup):
        forward_backward()
    times = []
    start = time.perf_counter()
    while len(times) < args.repetitions or time.perf_counter() - start < args.seconds:
        t = time.perf_counter()
        forward_backward()
        times.append(time.perf_counter() - t)
    median = statistics.median(times)
    print(json.dumps({
        "layers": n, "width": w, "examples": args.examples, "threads": torch.get_num_threads(),
        "activation": args.activation, "dtype": args.dtype, "parameters": sum(p.numel() for p in params),
        "repetitions": len(times), "median_ms": 1e3 * median, "min_ms": 1e3 * min(times),
        "max_ms": 1e3 * max(times), "ns_per_layer_example": 1e9 * median / (n * args.examples),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()

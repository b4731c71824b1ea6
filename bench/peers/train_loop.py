#!/usr/bin/env python3
"""The same small-CNN training loop as bench/Langevin.Training.Bench, in PyTorch (Debian's python3-torch).

Usage: train_loop.py MODE(sgd|sgld|pair) BATCH THREADS STEPS WARMUP ROUNDS DATA_DIR
Prints one JSON line per round; "pair" alternates an SGD and an SGLD copy of the model step by step on the same
batches and reports median iteration and step times. SGLD here is the textbook PyTorch version:
p.add_(grad, alpha=-lr); p.add_(torch.randn_like(p, generator) * sqrt(2*lr*D)).
"""
import gzip, json, math, random, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

name = sys.argv[1] if len(sys.argv) > 1 else "sgd"
batch, threads, steps, warmup, rounds = (int(a) for a in (sys.argv[2:7] if len(sys.argv) > 6 else (64, 1, 300, 50, 3)))
data_dir = sys.argv[7] if len(sys.argv) > 7 else "data/fashion-mnist"
torch.set_num_threads(threads)

with gzip.open(f"{data_dir}/train-images-idx3-ubyte.gz") as f:
    images = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).copy()).view(-1, 1, 28, 28)
with gzip.open(f"{data_dir}/train-labels-idx1-ubyte.gz") as f:
    labels = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))


class Net(nn.Module):  # the PyTorch CIFAR-10 tutorial's network, for 1×28×28
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class SGLD(torch.optim.Optimizer):
    def __init__(self, params, lr, diffusion, seed=0):
        super().__init__(params, dict(lr=lr, diffusion=diffusion))
        self.generator = torch.Generator().manual_seed(seed)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            std = math.sqrt(2 * group["lr"] * group["diffusion"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.add_(p.grad, alpha=-group["lr"])
                if std > 0:
                    p.add_(torch.randn(p.shape, generator=self.generator) * std)


def iteration(net, opt, x, y):
    """One training iteration; returns its wall time and that of opt.step(), in seconds."""
    t_start = time.perf_counter()
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    t_step = time.perf_counter()
    opt.step()
    step = time.perf_counter() - t_step
    loss.item()
    return time.perf_counter() - t_start, step


torch.manual_seed(0)
sgd_net = Net()
sgld_net = Net()
sgld_net.load_state_dict(sgd_net.state_dict())
sgd = torch.optim.SGD(sgd_net.parameters(), lr=0.01)
sgld = SGLD(sgld_net.parameters(), 0.01, 1e-5)
rng = random.Random(0)
n = images.shape[0]
for r in range(rounds):
    times = {"sgd": [], "sgld": []}
    for s in range(warmup + steps):
        if s == warmup:
            t_start = time.perf_counter()  # the single modes time the whole loop, batch preparation included
        start = rng.randrange(n - batch)
        x = images[start:start + batch].float().div_(255)
        y = labels[start:start + batch]
        if name == "pair":  # alternate which goes first, so neither always follows the other
            order = ("sgd", "sgld") if s % 2 == 0 else ("sgld", "sgd")
        else:
            order = (name,)
        for which in order:
            t = iteration(sgd_net, sgd, x, y) if which == "sgd" else iteration(sgld_net, sgld, x, y)
            if s >= warmup:
                times[which].append(t)
    elapsed = time.perf_counter() - t_start
    row = dict(impl="pytorch", batch=batch, threads=threads, round=r)
    if name == "pair":
        for which in ("sgd", "sgld"):
            row[f"{which}_iteration_us"] = round(1e6 * statistics.median(t[0] for t in times[which]), 1)
            row[f"{which}_step_us"] = round(1e6 * statistics.median(t[1] for t in times[which]), 1)
        row["mode"] = "pair"
    else:
        row.update(optimizer=name, images_per_s=round(steps * batch / elapsed, 1),
                   median_iteration_us=round(1e6 * statistics.median(t[0] for t in times[name]), 1),
                   step_us=round(1e6 * sum(t[1] for t in times[name]) / steps, 1))
    row["torch"] = torch.__version__
    print(json.dumps(row), flush=True)

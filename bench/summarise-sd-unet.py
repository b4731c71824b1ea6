#!/usr/bin/env python3
"""Summarises the JSON lines printed by bench/sd-unet-speed.sh: one full-size Stable Diffusion 1.5 UNet call
(batch 2, 64x64 latents) in Langevin and in diffusers, as a table with the issue's two ratios.

Usage: summarise-sd-unet.py LOG   (any file holding the JSON lines; other lines are ignored)

Speed-up = diffusers' seconds per call / Langevin's (target >= 3). Memory = Langevin's peak RSS / its float32 weight
bytes (target <= 1.2). Both wall-clock and CPU seconds are shown: on a machine shared with other jobs the wall clock
of each process depends on what else ran at the time, the CPU time much less.
"""
import json
import sys

rows = {}
for line in open(sys.argv[1]):
    if line.startswith("{"):
        row = json.loads(line)
        rows[row["impl"]] = row
if "langevin" not in rows or "diffusers" not in rows:
    sys.exit(f"summarise-sd-unet.py: {sys.argv[1]} lacks a {'langevin' if 'langevin' not in rows else 'diffusers'} line")
ours, peer = rows["langevin"], rows["diffusers"]
GB = 1e9

print("impl        calls  s/call (wall)  each call              CPU s/call  warm-up s  peak RSS GB  RSS/weights  load avg (start -> end)")
for name in ("langevin", "diffusers"):
    r = rows[name]
    each = " ".join(f"{t:.1f}" for t in r["call_seconds"])
    print(f"{name:10s}  {r['calls']:5d}  {r['seconds_per_call']:13.2f}  {each:21s}  {r['cpu_seconds_per_call']:10.2f}"
          f"  {r['warmup_seconds']:9.1f}  {r['peak_rss_bytes'] / GB:11.3f}  {r['peak_rss_bytes'] / r['weights_bytes']:11.3f}"
          f"  {r['loadavg_start']} -> {r['loadavg_end']}")
print(f"parameters: {ours['param_count']:,} (diffusers {peer['param_count']:,}); float32 weights {ours['weights_bytes']:,} bytes"
      f" ({ours['weights_bytes'] / GB:.3f} GB)")
speed = peer["seconds_per_call"] / ours["seconds_per_call"]
cpu_speed = peer["cpu_seconds_per_call"] / ours["cpu_seconds_per_call"]
memory = ours["peak_rss_bytes"] / ours["weights_bytes"]
print(f"speed-up, diffusers s/call / Langevin s/call: {speed:.2f}x wall, {cpu_speed:.2f}x CPU"
      f"   (target >= 3: {'met' if speed >= 3 else 'MISSED'})")
print(f"Langevin peak RSS / weights: {memory:.3f}   (target <= 1.2: {'met' if memory <= 1.2 else 'MISSED'});"
      f" diffusers' {peer['peak_rss_bytes'] / peer['weights_bytes']:.3f};"
      f" Langevin's peak is {ours['peak_rss_bytes'] / peer['peak_rss_bytes']:.3f} of diffusers'")

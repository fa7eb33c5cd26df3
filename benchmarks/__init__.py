"""Benchmarks: is the clone as fast as torch.nn.Module?

Run them all with one command from the repository root:

    python -m benchmarks            # the full run (several minutes)
    python -m benchmarks --quick    # a short smoke run on tiny models

Each case times torch and the clone in the same process, on the same inputs,
taking turns round by round. The results go to `benchmarks/results/`.
"""

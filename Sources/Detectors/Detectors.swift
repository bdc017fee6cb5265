// Detectors: probes that score activations (linear, difference of means, MLP), bundles, training.

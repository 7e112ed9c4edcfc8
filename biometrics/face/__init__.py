"""Face detection, quality, liveness, embedding and comparison."""

"""torchkata: PyTorch katas with a trusted grader."""
__version__ = "0.2.0"

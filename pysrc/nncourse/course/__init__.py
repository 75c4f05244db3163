"""The tutorial "Working with Neural Networks": its exercises and checks, the sandbox the
checks run in, and the grader for a class."""

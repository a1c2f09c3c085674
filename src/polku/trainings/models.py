"""Models of the trainings app."""

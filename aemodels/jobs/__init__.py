"""Training outside the page: the limit on concurrent jobs, the job board, the trainer process."""

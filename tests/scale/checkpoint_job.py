"""A job for the SIGKILL test: ``python -m tests.scale.checkpoint_job PATH N SLOW_AFTER``.

Explains ``N`` toy series into the checkpoint ``PATH`` serially and prints ``done k``
after each row. Once ``SLOW_AFTER`` rows are done it sleeps 50 ms per row, so the
test can kill it mid-run without racing the end of the job.
"""
import sys
import time

from lime_core.batch import explain_many
from tests.scale.toy import WindowExplainer, make_series, peak_detector

JOB = dict(num_samples=300, num_features=4, random_state=7)


def main() -> None:
    path, n, slow_after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

    def progress(done: int, total: int) -> None:
        print(f"done {done}", flush=True)
        if done >= slow_after:
            time.sleep(0.05)

    explain_many(WindowExplainer(), make_series(n), peak_detector, checkpoint=path, progress=progress, **JOB)
    print("finished", flush=True)


if __name__ == "__main__":
    main()

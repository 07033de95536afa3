"""Errors whose message is meant for the person using the app or the command line.

Every error raised on bad input is an ``AemodelsError``: its ``str()`` is one line that says what
is wrong and what to do. The dashboard shows it with ``st.error``; the command line prints it and
exits with status 2. Anything else that escapes is a bug.
"""


class AemodelsError(Exception):
    """A problem the user can fix; the message is one line, shown as is."""


class DatasetError(AemodelsError):
    """A dataset name, upload or file that cannot be used."""


class ConfigError(AemodelsError):
    """A training setting outside what the models support."""


class RunStoreError(AemodelsError):
    """A run that does not exist, is broken, or an uploaded run that cannot be accepted."""


class TrainingStopped(AemodelsError):
    """Training was stopped before it finished; nothing was saved."""

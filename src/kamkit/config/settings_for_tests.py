"""Settings for the test suite: a throw-away data folder, fast hashing, in-memory mail."""

import os
import tempfile

os.environ["KAMKIT_DATA_DIR"] = tempfile.mkdtemp(prefix="kamkit-test-")

from kamkit.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

"""Fixtures for the assignment tests: one temporary course copy for the whole session."""

from __future__ import annotations

import pytest
from nbgrader_course import Course


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return Course(tmp_path_factory.mktemp("lstmcourse-course") / "course")

"""Starting a warm kernel survives one kernel that never answers (its ports taken by another process)."""

from __future__ import annotations

from typing import Any

import jupyter_client.manager
import pytest

from perfeval.book import kernels


class FakeClient:
    def __init__(self, manager: "FakeManager") -> None:
        self.manager = manager
        self.allow_stdin = True
        self.executed: list[str] = []

    def start_channels(self) -> None:
        pass

    def stop_channels(self) -> None:
        pass

    async def wait_for_ready(self, timeout: float) -> None:
        if self.manager.dead:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def execute_interactive(self, code: str, **kwargs: Any) -> dict[str, Any]:
        self.executed.append(code)
        return {"content": {"status": "ok"}}


class FakeManager:
    started: list["FakeManager"] = []
    failures = 1

    def __init__(self, kernel_name: str) -> None:
        self.dead = len(FakeManager.started) < FakeManager.failures
        self.shut_down = False
        FakeManager.started.append(self)

    async def start_kernel(self, **kwargs: Any) -> None:
        pass

    def client(self) -> FakeClient:
        self.kc = FakeClient(self)
        return self.kc

    async def shutdown_kernel(self, now: bool = False) -> None:
        self.shut_down = True


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeManager]:
    FakeManager.started = []
    monkeypatch.setattr(jupyter_client.manager, "AsyncKernelManager", FakeManager)
    return FakeManager


def test_a_kernel_that_never_answers_is_replaced(fake: type[FakeManager]) -> None:
    fake.failures = 1
    km, kc = kernels._start("python3", "/tmp", 1)
    assert len(fake.started) == 2 and fake.started[0].shut_down and km is fake.started[1]
    assert kc.executed == [kernels.PRIME_CODE] and kc.allow_stdin is False


def test_two_kernels_that_never_answer_are_an_error(fake: type[FakeManager]) -> None:
    fake.failures = 2
    with pytest.raises(RuntimeError, match="didn't respond"):
        kernels._start("python3", "/tmp", 1)
    assert len(fake.started) == kernels.START_ATTEMPTS and all(m.shut_down for m in fake.started)

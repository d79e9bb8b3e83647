"""Starting a warm kernel survives one kernel that never answers (its ports taken by another process); a kernel
primes itself as it starts (the set-up code runs in the kernel before it first answers), and a kernel launched
ahead of its first page is the one that page runs in."""

from __future__ import annotations

import asyncio
import queue
from pathlib import Path
from typing import Any

import jupyter_client.manager
import pytest

from perfeval.book import kernel_start, kernels


class FakeClient:
    def __init__(self, manager: "FakeManager") -> None:
        self.manager = manager
        self.allow_stdin = True
        self.executed: list[str] = []

    def start_channels(self) -> None:
        pass

    def stop_channels(self) -> None:
        pass

    def kernel_info(self) -> None:
        pass

    @property
    def shell_channel(self) -> "FakeChannel":
        return FakeChannel(self.manager, {"msg_type": "kernel_info_reply", "content": {}})

    @property
    def iopub_channel(self) -> "FakeChannel":
        self.iopub_reads = getattr(self, "iopub_reads", 0) + 1
        return FakeChannel(self.manager, {"msg_type": "status", "content": {"execution_state": "busy"}})

    def _handle_kernel_info_reply(self, msg: dict[str, Any]) -> None:
        pass

    async def execute_interactive(self, code: str, **kwargs: Any) -> dict[str, Any]:
        self.executed.append(code)
        return {"content": {"status": "ok"}}


class FakeChannel:
    """A channel of a fake kernel: the message it is asked for, unless the kernel never answers."""

    def __init__(self, manager: "FakeManager", message: dict[str, Any]) -> None:
        self.manager, self.message = manager, message

    async def get_msg(self, timeout: float) -> dict[str, Any]:
        if self.manager.dead:
            await asyncio.sleep(min(timeout, 0.05))
            raise queue.Empty
        return self.message


class FakeManager:
    started: list["FakeManager"] = []
    failures = 1

    def __init__(self, kernel_name: str) -> None:
        self.dead = len(FakeManager.started) < FakeManager.failures
        self.shut_down = False
        FakeManager.started.append(self)

    async def start_kernel(self, **kwargs: Any) -> None:
        self.arguments = kwargs.get("extra_arguments", [])

    def client(self) -> FakeClient:
        self.kc = FakeClient(self)
        return self.kc

    async def shutdown_kernel(self, now: bool = False) -> None:
        self.shut_down = True

    async def is_alive(self) -> bool:
        return True   # a kernel that never answers still runs


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeManager]:
    FakeManager.started = []
    monkeypatch.setattr(jupyter_client.manager, "AsyncKernelManager", FakeManager)
    yield FakeManager
    kernel_start.PENDING.clear()
    kernel_start.KERNELS.clear()


def test_a_kernel_that_never_answers_is_replaced(fake: type[FakeManager]) -> None:
    fake.failures = 1
    km, kc = kernels.start_kernel("python3", "/tmp", 1)
    assert len(fake.started) == 2 and fake.started[0].shut_down and km is fake.started[1]
    assert kc.executed == [kernels.PRIME_CHECK] and kc.allow_stdin is False


def test_a_kernel_runs_the_set_up_code_as_it_starts(fake: type[FakeManager]) -> None:
    fake.failures = 0
    km, _ = kernels.start_kernel("python3", "/tmp", 1)
    files = [a.split("=", 1)[1] for a in km.arguments if a.startswith("--IPKernelApp.exec_files=")]
    assert len(files) == 1 and Path(files[0]).read_text(encoding="utf-8") == kernels.PRIME_CODE


def test_a_kernel_launched_ahead_is_the_one_a_page_gets(fake: type[FakeManager]) -> None:
    fake.failures = 0
    kernel_start.prestart("python3", "/tmp/ahead")
    kernel_start.prestart("python3", "/tmp/ahead")        # once per working directory
    assert len(fake.started) == 1
    km, _ = kernels.warm_kernel("python3", "/tmp/ahead")
    assert km is fake.started[0] and len(fake.started) == 1 and not kernel_start.PENDING


def test_a_kernel_launched_ahead_that_no_page_takes_is_stopped(fake: type[FakeManager]) -> None:
    fake.failures = 0
    kernel_start.prestart("python3", "/tmp/unused")
    kernel_start.discard_pending()
    assert fake.started[0].shut_down and not kernel_start.PENDING


def test_a_forked_process_never_takes_this_ones_kernels(fake: type[FakeManager]) -> None:
    import os

    fake.failures = 0
    kernel_start.prestart("python3", "/tmp/parent")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child reports what it sees, and leaves at once
        os.write(write, str(len(kernel_start.PENDING) + len(kernel_start.KERNELS)).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"0" and len(kernel_start.PENDING) == 1


def test_two_kernels_that_never_answer_are_an_error(fake: type[FakeManager]) -> None:
    fake.failures = 2
    with pytest.raises(RuntimeError, match="didn't respond"):
        kernels.start_kernel("python3", "/tmp", 1)
    assert len(fake.started) == kernels.START_ATTEMPTS and all(m.shut_down for m in fake.started)


def test_a_kernel_is_ready_once_it_answered_on_both_channels(fake: type[FakeManager]) -> None:
    """Ready when its kernel_info reply and one IOPub message have come: IOPub is not then read until it falls
    silent (jupyter_client's wait_for_ready waits 0.2 s more for that), nor is the heartbeat waited for."""
    fake.failures = 0
    manager = FakeManager("python3")
    client = manager.client()
    kernel_start.wait_until_ready(client, 5, manager.is_alive)
    assert client.iopub_reads == 1

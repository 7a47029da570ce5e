"""What the worker's zygote does to itself to fork faster must not change what a child computes."""
import subprocess
import sys
import traceback

from torchkata import worker


def test_huge_page_collapse_leaves_memory_as_it_was():
    # In a process of its own: collapsing rewrites this process's page tables.
    script = (
        "import hashlib, os\n"
        "from torchkata import worker\n"
        "block = bytearray(os.urandom(1 << 20)) * 24\n"
        "before = hashlib.sha256(block).hexdigest()\n"
        "collapsed = worker._collapse_into_huge_pages()\n"
        "assert collapsed >= 0 and collapsed % (2 << 20) == 0, collapsed\n"
        "assert hashlib.sha256(block).hexdigest() == before\n"
        "block[5 << 20] ^= 0xFF\n"
        "assert hashlib.sha256(block).hexdigest() != before\n"
        "print('ok', collapsed)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


def test_seed_stacks_keep_file_line_and_function():
    def where():
        return worker._StackWithoutSource.format_stack(), traceback.format_stack()

    ours, standard = where()
    assert len(ours) == len(standard)
    # traceback's lines are ours plus the source text; the last is the call inside where()
    for mine, theirs in zip(ours, standard):
        assert theirs.startswith(mine.rstrip("\n")), (mine, theirs)
    assert "in where" in ours[-1] and __file__ in ours[-1]


def test_torch_seeding_still_works_in_a_patched_process():
    script = (
        "import torch, sys\n"
        "from torchkata import worker\n"
        "worker._cheaper_accelerator_seed_stacks()\n"
        "assert torch.cuda.traceback is worker._StackWithoutSource\n"
        "torch.manual_seed(3); a = torch.rand(4)\n"
        "torch.manual_seed(3); b = torch.rand(4)\n"
        "assert torch.equal(a, b)\n"
        "import traceback; assert traceback.format_stack is not worker._StackWithoutSource.format_stack\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


def test_warming_the_optimizer_path_starts_no_thread():
    # The zygote forks after this: a thread started here would make every fork unsafe.
    script = (
        "import sys, threading, torch\n"
        "from torchkata import worker\n"
        "worker._import_what_every_optimizer_step_imports(torch)\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "p = torch.nn.Parameter(torch.ones(2)); opt = torch.optim.SGD([p], lr=0.1)\n"
        "p.sum().backward(); opt.step()\n"
        "assert torch.equal(p.detach(), torch.full((2,), 0.9))\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr

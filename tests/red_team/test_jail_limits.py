"""Attack: raise the limits the jail set (soft up to hard, hard up to infinity) and then use them."""
from tests.red_team.jail_support import attack, earns_nothing, grade

RAISE = """
import resource

INFINITY = resource.RLIM_INFINITY
raised = []


def bigger(new, old):
    return old != INFINITY and (new == INFINITY or new > old)


for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_FSIZE", "RLIMIT_CORE"):
    kind = getattr(resource, name)
    soft, hard = resource.getrlimit(kind)
    for new in ((hard, hard), (INFINITY, INFINITY), (soft, INFINITY), (hard, hard + 1 if hard != INFINITY else hard)):
        try:
            resource.setrlimit(kind, new)
        except (ValueError, OSError):
            continue
        if bigger(new[0], soft) or bigger(new[1], hard):
            raised.append(name)
        soft, hard = resource.getrlimit(kind)
"""


def test_an_attack_that_works_would_score(course, worker, tmp_path):
    # The other attacks answer correctly only when they got through: this is what they would earn.
    result = grade(course, course.get("stable-softmax"), worker, attack(tmp_path, "worked = True", "worked"))
    assert result.totals.points == result.totals.max_points > 0


def test_no_limit_can_be_raised(course, worker, tmp_path):
    result = grade(course, course.get("stable-softmax"), worker, attack(tmp_path, RAISE, "raised"))
    earns_nothing(result)
    assert result.isolation["checks"]["limits_locked"], result.isolation


def test_every_limit_is_reported_locked_by_the_probe(course, worker, tmp_path):
    # The same probe the report uses, seen by learner code: every rlimit has hard = soft.
    body = ("import resource\n"
            "kinds = [getattr(resource, n) for n in dir(resource) if n.startswith('RLIMIT_')]\n"
            "loose = [k for k in kinds if resource.getrlimit(k)[0] != resource.getrlimit(k)[1]]\n")
    earns_nothing(grade(course, course.get("stable-softmax"), worker, attack(tmp_path, body, "loose")))

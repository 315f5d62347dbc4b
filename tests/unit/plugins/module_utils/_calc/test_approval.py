# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The approval state machine (every transition, every refusal) and the audit hash chain."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hypercloud.builder.plugins.module_utils._calc import approval
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.approval import (
    GENESIS,
    chain_events,
    plan_decision,
    plan_escalate,
    plan_outcome,
    plan_submit,
    record_hash,
    replay,
    verify_chain,
)
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError
from ansible_collections.hypercloud.builder.plugins.module_utils._calc.provision_policy import (
    DEFAULT_RULES,
    evaluate,
    with_approvers,
    with_escalation,
)

RULES = with_approvers(DEFAULT_RULES, {"finance": ["carol", "frank"], "cloud_admins": ["alice", "bob", "frank"]})
SIZES = {"none": {"vcpus": 1, "memory_gb": 4}, "admin": {"vcpus": 4, "memory_gb": 4}, "both": {"vcpus": 8, "memory_gb": 32}}


def submitted(size="both", rid="r1", requester="dave"):
    request = SIZES[size]
    return plan_submit([], rid, requester, request, evaluate(request, RULES).to_dict(), "t0")


def step(history, *events):
    """History plus events planned one after the other (each planner sees the previous ones)."""
    history = list(history)
    for plan in events:
        history += plan(history)
    return history


def approve(who, stage=None, reason="ok"):
    return lambda h: plan_decision(h, "r1", "approve", who, reason, "t1", stage)


def reject(who, reason="no budget"):
    return lambda h: plan_decision(h, "r1", "reject", who, reason, "t2")


def outcome(what, actor="ansible", details=None):
    return lambda h: plan_outcome(h, "r1", what, actor, "because", "t3", details)


TRANSITIONS = [
    # (case, size, steps after submission, expected state, expected stage)
    ("submit, no approval needed: approved", "none", [], "approved", None),
    ("submit, admin rule: awaiting stage 1", "admin", [], "awaiting_stage_1", 1),
    ("submit, finance rule: awaiting stage 1 (finance)", "both", [], "awaiting_stage_1", 1),
    ("admin approves the only stage: approved", "admin", [approve("alice")], "approved", None),
    ("finance approves: awaiting stage 2", "both", [approve("carol")], "awaiting_stage_2", 2),
    ("finance then admin: approved", "both", [approve("carol"), approve("bob")], "approved", None),
    ("finance rejects: rejected", "both", [reject("carol")], "rejected", None),
    ("admin rejects at stage 2: rejected", "both", [approve("carol"), reject("alice")], "rejected", None),
    ("expires at stage 1", "both", [outcome("expired")], "expired", None),
    ("expires at stage 2", "both", [approve("carol"), outcome("expired")], "expired", None),
    ("approved, provisioned", "none", [outcome("provisioned", details={"server_id": "s1"})], "provisioned", None),
    ("approved, failed", "admin", [approve("bob"), outcome("failed", details={"error": "No valid host"})], "failed", None),
    ("stage named by number and by name", "both", [approve("carol", stage=1), approve("alice", stage="cloud_admin")], "approved", None),
]


@pytest.mark.parametrize("case,size,steps,state,stage", TRANSITIONS, ids=[t[0] for t in TRANSITIONS])
def test_transitions(case, size, steps, state, stage):
    history = step(submitted(size), *steps)
    result = replay("r1", history)
    assert (result.state, result.stage) == (state, stage), case
    assert result.to_dict()["closed"] is (state in ("rejected", "expired", "provisioned", "failed"))


def test_requested_is_the_state_before_evaluation():
    events = submitted("both")
    assert [e["kind"] for e in events] == ["submitted", "evaluated"]
    assert replay("r1", events[:1]).state == "requested"
    assert replay("r1", events[:1] + [dict(events[0], kind="expired", data={})]).state == "expired"


def test_state_shows_what_awaits_and_what_was_decided():
    state = replay("r1", step(submitted("both"), approve("carol", reason="budget line 42"))).to_dict()
    assert state["stage_name"] == "cloud_admin" and state["awaiting_group"] == "cloud_admins"
    assert state["requester"] == "dave" and state["request"]["memory_gb"] == 32
    assert state["decisions"] == [{"stage": 1, "stage_name": "finance", "group": "finance", "decision": "approve",
                                   "reason": "budget line 42", "approver": "carol", "at": "t1"}]
    done = replay("r1", step(submitted("none"), outcome("provisioned", details={"server_id": "s1"}))).to_dict()
    assert done["outcome"] == {"state": "provisioned", "reason": "because", "details": {"server_id": "s1"},
                               "actor": "ansible", "at": "t3"}


IDEMPOTENT = [
    ("same request again", submitted("both"), lambda h: plan_submit(h, "r1", "dave", SIZES["both"], {}, "t9")),
    ("same approval again", step(submitted("both"), approve("carol")), approve("carol")),
    ("same rejection again", step(submitted("both"), reject("carol")), reject("carol")),
    ("same approver, same action, no stage named", step(submitted("both"), approve("frank")), approve("frank")),
    ("same approval naming its stage", step(submitted("both"), approve("carol")), approve("carol", stage="finance")),
    ("same outcome again", step(submitted("none"), outcome("provisioned")), outcome("provisioned")),
]


@pytest.mark.parametrize("case,history,plan", IDEMPOTENT, ids=[i[0] for i in IDEMPOTENT])
def test_repeating_a_recorded_step_changes_nothing(case, history, plan):
    assert plan(history) == [], case


REFUSALS = [
    ("another request under a used id", submitted("both"),
     lambda h: plan_submit(h, "r1", "dave", SIZES["admin"], {}, "t9"), "request r1 was already submitted by dave with"),
    ("another requester under a used id", submitted("both"),
     lambda h: plan_submit(h, "r1", "erin", SIZES["both"], {}, "t9"), "a different request needs a new id"),
    ("submit without requester", [], lambda h: plan_submit(h, "r1", "", SIZES["both"], {}, "t9"), "the requester is required"),
    ("submit with a blank requester", [], lambda h: plan_submit(h, "r1", " \t", SIZES["both"], {}, "t9"), "the requester is required"),
    ("submit without request id", [], lambda h: plan_submit(h, "", "dave", SIZES["both"], {}, "t9"),
     "request_id must be a non-empty string, not ''"),
    ("submit with a blank request id", [], lambda h: plan_submit(h, "  ", "dave", SIZES["both"], {}, "t9"),
     "request_id must be a non-empty string, not '  '"),
    ("decision on unknown request", [], approve("carol"), "request r1 does not exist"),
    ("details that are not JSON", submitted("none"), outcome("provisioned", details={"cost": float("inf")}),
     "request r1: details cannot be recorded in the audit log"),
    ("unknown decision", submitted("both"), lambda h: plan_decision(h, "r1", "defer", "carol", "x", "t"), "decision 'defer' is unknown"),
    ("decision without reason", submitted("both"), approve("carol", reason=" "), "a decision needs a reason"),
    ("self-approval", submitted("both", requester="carol"), approve("carol"),
     "carol is its requester and cannot approve or reject it (no self-approval)"),
    ("self-rejection too", submitted("admin", requester="alice"), reject("alice"), "no self-approval"),
    ("outside the stage's group", submitted("both"), approve("mallory"),
     "mallory is not in approver group finance, which decides stage 1 (finance) (members: carol, frank)"),
    ("earlier stage's approver at stage 2", step(submitted("both"), approve("carol")), reject("carol"),
     "carol is not in approver group cloud_admins, which decides stage 2 (cloud_admin)"),
    ("admin before finance: out of order", submitted("both"), approve("alice"),
     "alice approves stage 2 (cloud_admin), which comes after stage 1 (finance); decision out of order"),
    ("named stage out of order", submitted("both"), approve("frank", stage="cloud_admin"),
     "decision for stage cloud_admin out of order, stage 1 (finance) awaits a decision"),
    ("named stage unknown", submitted("both"), approve("carol", stage="legal"), "request r1 has no stage legal (stages: finance, cloud_admin)"),
    ("one approver for two stages", step(submitted("both"), approve("frank")), approve("frank", stage=2, reason="me again"),
     "frank already decided an earlier stage; each stage needs another approver"),
    ("decision on an approved request", submitted("none"), approve("alice"), "request r1 is approved: no stage awaits a decision"),
    ("decision on a rejected request", step(submitted("both"), reject("carol")), approve("frank"),
     "request r1 is rejected: it is closed and takes no more decisions"),
    ("decision on an expired request", step(submitted("both"), outcome("expired")), approve("carol"), "is expired: it is closed"),
    ("decision on a provisioned request", step(submitted("none"), outcome("provisioned")), reject("alice"), "is provisioned: it is closed"),
    ("outcome on unknown request", [], outcome("expired"), "request r1 does not exist"),
    ("unknown outcome", submitted("both"), outcome("cancelled"), "outcome 'cancelled' is unknown (known: expired, provisioned, failed)"),
    ("provisioned before approval", submitted("both"), outcome("provisioned"),
     "request r1 is awaiting_stage_1: it cannot be provisioned before it is approved"),
    ("failed before approval", step(submitted("both"), approve("carol")), outcome("failed"), "it cannot be failed before it is approved"),
    ("approved requests do not expire", submitted("none"), outcome("expired"), "an approved request does not expire"),
    ("closed: provisioned then failed", step(submitted("none"), outcome("provisioned")), outcome("failed"),
     "request r1 is provisioned: it is closed and cannot become failed"),
    ("closed: rejected then expired", step(submitted("both"), reject("carol")), outcome("expired"), "is rejected: it is closed"),
]


@pytest.mark.parametrize("case,history,plan,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals(case, history, plan, message):
    with pytest.raises(PlanError) as err:
        plan(history)
    assert message in str(err.value), case


REPLAY_ERRORS = [
    ("submitted twice", lambda ev: ev + ev[:1], "it was already submitted"),
    ("evaluated twice", lambda ev: ev + ev[1:], "only a requested request is evaluated"),
    ("decision for a stage not awaited", lambda ev: ev + [dict(ev[0], kind="stage_approved", data={"stage": 2})],
     "no decision on stage 2 is awaited"),
    ("provisioned while awaiting", lambda ev: ev + [dict(ev[0], kind="provisioned", data={})], "it cannot become provisioned"),
    ("unknown kind", lambda ev: ev + [dict(ev[0], kind="cancelled", data={})], "unknown event kind 'cancelled'"),
    ("escalation of a stage not awaited", lambda ev: ev + [dict(ev[0], kind="escalated", data={"stage": 2})],
     "stage 2 does not await a decision and cannot be escalated"),
    ("escalated twice", lambda ev: ev + [dict(ev[0], kind="escalated", data={"stage": 1})] * 2,
     "stage 1 has no escalation, or was already escalated"),
]


@pytest.mark.parametrize("case,edit,message", REPLAY_ERRORS, ids=[r[0] for r in REPLAY_ERRORS])
def test_replay_refuses_impossible_histories(case, edit, message):
    with pytest.raises(PlanError, match=message):
        replay("r1", edit(submitted("both")))


def test_replay_of_nothing_is_none():
    assert replay("r1", []) is None


# --- escalation -------------------------------------------------------------------------------
# The default rules escalate both stages to cloud_leads; here after 600 s. dave (the requester) is a
# lead as well, to show that an escalation does not open a way to self-approval.

LEADS = ["lena", "dave", "mark"]
ESC_RULES = with_escalation(with_approvers(RULES, {"cloud_leads": LEADS}), after_seconds=600)
T0 = "2026-03-02T10:00:00.000000Z"


def at(seconds):
    """T0 plus ``seconds``, as the module writes times."""
    return "2026-03-02T%02d:%02d:%02d.000000Z" % (10 + seconds // 3600, seconds // 60 % 60, seconds % 60)


def esc_submitted(size="both", rules=None):
    request = SIZES[size]
    return plan_submit([], "r1", "dave", request, evaluate(request, rules or ESC_RULES).to_dict(), T0)


def escalate(seconds, actor="ansible"):
    return lambda h: plan_escalate(h, "r1", actor, "no decision in time", at(seconds))


def decide(action, who, seconds, stage=None):
    return lambda h: plan_decision(h, "r1", action, who, "%s decides" % who, at(seconds), stage)


def rules_escalating_only(stage_name):
    rules = copy.deepcopy(ESC_RULES)
    for stage in rules["stages"]:
        if stage["name"] != stage_name:
            del stage["escalate_to"], stage["escalate_after"]
    return rules


ESCALATIONS = [
    # (case, size, steps, state, stage, escalated, decisions as (stage, group, approver, via escalation))
    ("not yet escalated", "both", [], "awaiting_stage_1", 1, False, []),
    ("stage 1 escalated after 600 s: it still awaits stage 1", "both", [escalate(600)], "awaiting_stage_1", 1, True, []),
    ("a lead approves the escalated stage 1", "both", [escalate(600), decide("approve", "lena", 700)],
     "awaiting_stage_2", 2, False, [(1, "cloud_leads", "lena", True)]),
    ("its own group still decides an escalated stage", "both", [escalate(600), decide("approve", "carol", 700)],
     "awaiting_stage_2", 2, False, [(1, "finance", "carol", None)]),
    ("a lead rejects the escalated stage", "both", [escalate(600), decide("reject", "mark", 650)], "rejected", None, False,
     [(1, "cloud_leads", "mark", True)]),
    ("stage 2 is timed from stage 1's decision", "both", [decide("approve", "carol", 100), escalate(700)],
     "awaiting_stage_2", 2, True, [(1, "finance", "carol", None)]),
    ("both stages escalated, two leads decide", "both",
     [escalate(600), decide("approve", "lena", 610), escalate(1210), decide("approve", "mark", 1300)], "approved", None, False,
     [(1, "cloud_leads", "lena", True), (2, "cloud_leads", "mark", True)]),
    ("an escalated request still expires", "both", [escalate(600), lambda h: plan_outcome(h, "r1", "expired", "ansible", "late", at(900))],
     "expired", None, False, []),
    ("admin-only request: a lead approves its one stage", "admin", [escalate(601), decide("approve", "lena", 602, "cloud_admin")],
     "approved", None, False, [(1, "cloud_leads", "lena", True)]),
]


@pytest.mark.parametrize("case,size,steps,state,stage,escalated,decisions", ESCALATIONS, ids=[e[0] for e in ESCALATIONS])
def test_escalation_transitions(case, size, steps, state, stage, escalated, decisions):
    result = replay("r1", step(esc_submitted(size), *steps)).to_dict()
    assert (result["state"], result["stage"], result["escalated"]) == (state, stage, escalated), case
    assert [(d["stage"], d["group"], d["approver"], d.get("escalated")) for d in result["decisions"]] == decisions


def test_the_escalation_is_recorded_with_its_group_members_and_wait():
    history = step(esc_submitted(), decide("approve", "carol", 100))
    (event,) = plan_escalate(history, "r1", "ansible", "no decision within 600 s", at(712))
    assert (event["kind"], event["actor"], event["at"]) == ("escalated", "ansible", at(712))
    assert event["data"] == {"stage": 2, "stage_name": "cloud_admin", "from_group": "cloud_admins", "group": "cloud_leads",
                             "approvers": LEADS, "after_seconds": 600, "waited_seconds": 612.0,
                             "reason": "no decision within 600 s"}
    state = replay("r1", history + [event]).to_dict()
    assert state["stage_since"] == at(100) and state["escalation"]["group"] == "cloud_leads"
    assert state["escalations"] == [dict(event["data"], actor="ansible", at=at(712))]
    records = chain_events(GENESIS, 1, history + [event])
    assert verify_chain(records).valid and records[-1]["kind"] == "escalated"


def test_escalating_again_changes_nothing():
    assert escalate(5000)(step(esc_submitted(), escalate(600))) == []


ESCALATION_REFUSALS = [
    ("escalation before its time", [decide("approve", "carol", 100)], escalate(699),
     "request r1: stage 2 (cloud_admin) has waited 599 s; it is escalated to cloud_leads after 600 s"),
    ("a lead before the escalation", [], decide("approve", "lena", 10),
     "lena is in escalation group cloud_leads, which decides stage 1 (finance) only once it is escalated (after 600 s"),
    ("self-approval through the escalation group", [escalate(600)], decide("approve", "dave", 700),
     "dave is its requester and cannot approve or reject it (no self-approval)"),
    ("an outsider after the escalation", [escalate(600)], decide("approve", "mallory", 700),
     "mallory is not in approver group finance, which decides stage 1 (finance) (members: carol, frank) "
     "nor in escalation group cloud_leads (members: lena, dave, mark)"),
    ("a lead naming the later stage: out of order", [escalate(600)], decide("approve", "lena", 700, "cloud_admin"),
     "decision for stage cloud_admin out of order, stage 1 (finance) awaits a decision"),
    ("an admin on an escalated finance stage: out of order", [escalate(600)], decide("approve", "alice", 700),
     "alice approves stage 2 (cloud_admin), which comes after stage 1 (finance); decision out of order"),
    ("one lead for two escalated stages", [escalate(600), decide("approve", "lena", 610), escalate(1300)], decide("approve", "lena", 1400, "cloud_admin"),
     "lena already decided an earlier stage; each stage needs another approver"),
    ("escalation on an approved request", [escalate(600), decide("approve", "lena", 610), decide("approve", "bob", 620)], escalate(5000),
     "request r1 is approved: no stage awaits a decision, so there is nothing to escalate"),
    ("escalation on a rejected request", [decide("reject", "carol", 10)], escalate(5000), "request r1 is rejected: no stage awaits"),
]


@pytest.mark.parametrize("case,steps,plan,message", ESCALATION_REFUSALS, ids=[r[0] for r in ESCALATION_REFUSALS])
def test_escalation_refusals(case, steps, plan, message):
    with pytest.raises(PlanError) as err:
        plan(step(esc_submitted(), *steps))
    assert message in str(err.value), case


def test_a_lead_of_a_later_stage_only_is_out_of_order():
    history = esc_submitted(rules=rules_escalating_only("cloud_admin"))
    with pytest.raises(PlanError, match=r"lena is in escalation group cloud_leads of stage 2 \(cloud_admin\), which comes after "
                                        r"stage 1 \(finance\); decision out of order"):
        decide("approve", "lena", 5000)(history)
    with pytest.raises(PlanError, match=r"stage 1 \(finance\) has no escalation \(its rules name no escalate_to group\)"):
        escalate(5000)(history)


def test_escalation_refusals_for_unknown_requests_and_unreadable_times():
    with pytest.raises(PlanError, match="request r1 does not exist"):
        escalate(600)([])
    with pytest.raises(PlanError, match="cannot read the time 't0'"):
        plan_escalate(plan_submit([], "r1", "dave", SIZES["both"], evaluate(SIZES["both"], ESC_RULES).to_dict(), "t0"),
                      "r1", "ansible", "late", at(600))
    with pytest.raises(PlanError, match="has no time zone"):
        plan_escalate(esc_submitted(), "r1", "ansible", "late", "2026-03-02T11:00:00")


# --- audit chain ------------------------------------------------------------------------------

def full_log():
    """Two requests through to their outcomes, interleaved in one log: 8 records."""
    one = step(submitted("both"), approve("carol"), approve("alice"), outcome("provisioned"))
    two = plan_submit([], "r2", "erin", SIZES["admin"], evaluate(SIZES["admin"], RULES).to_dict(), "t5")
    two += plan_decision(two, "r2", "reject", "bob", "too big", "t6")
    records = chain_events(GENESIS, 1, one[:3])
    records += chain_events(records[-1]["hash"], 4, two)
    records += chain_events(records[-1]["hash"], 7, one[3:])
    return records


def test_chain_links_every_record_to_the_previous_one():
    records = full_log()
    assert [r["seq"] for r in records] == list(range(1, 9))
    assert records[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(records, records[1:]))
    assert records[0]["hash"] == record_hash(GENESIS, records[0])
    report = verify_chain(records)
    assert report.to_dict() == {"valid": True, "records": 8, "head": records[-1]["hash"], "first_bad": None,
                                "message": "8 records, chain intact"}
    assert verify_chain([]).valid is True and verify_chain([]).head == GENESIS


def test_hash_covers_a_canonical_form():
    record = full_log()[0]
    shuffled = dict(reversed(list(record.items())))
    shuffled["data"] = dict(reversed(list(record["data"].items())))
    assert record_hash(GENESIS, shuffled) == record["hash"]
    assert approval.canonical(record).startswith(b'{"actor":"dave","at":"t0","data":')


def edit(field, value, index=4):
    def change(records):
        records[index][field] = value
        return records
    return change


def edit_data(records):
    records[4]["data"]["reason"] = "approved, honest"
    return records


def rehash_one(records):
    """An attacker rewrites record 5 and recomputes its hash, but cannot fix record 6's link."""
    records[4]["actor"] = "mallory"
    records[4]["hash"] = record_hash(records[4]["prev_hash"], records[4])
    return records


def rechain_from(records, index):
    """Rebuild the hashes from ``index`` on, as someone who can rewrite the rest of the log would."""
    for i in range(index, len(records)):
        records[i]["prev_hash"] = records[i - 1]["hash"] if i else GENESIS
        records[i]["hash"] = record_hash(records[i]["prev_hash"], records[i])
    return records


TAMPERING = [
    # (case, change to the log, first bad seq, message)
    ("edit the actor", edit("actor", "mallory"), 5, "record 5 (request r2, evaluated): its hash does not match its contents"),
    ("edit the reason", edit_data, 5, "its hash does not match its contents: the record was changed"),
    ("edit the time", edit("at", "t0"), 5, "the record was changed"),
    ("edit the request id", edit("request_id", "r1"), 5, "record 5 (request r1, evaluated)"),
    ("edit and rehash one record", rehash_one, 6, "record 6 (request r2, stage_rejected): its prev_hash does not match the hash of record 5"),
    ("delete a record", lambda r: r[:4] + r[5:], 6, "record 6 (request r2, stage_rejected): record 5 is missing before it: records were removed"),
    ("delete the first record", lambda r: r[1:], 2, "record 1 is missing before it"),
    ("delete and renumber", lambda r: rechain_from(r[:4] + [dict(x, seq=x["seq"] - 1) for x in r[5:]], 99), 5,
     "record 5 (request r2, stage_rejected): its hash does not match"),
    ("swap two records", lambda r: r[:3] + [r[4], r[3]] + r[5:], 5, "record 5 (request r2, evaluated): it comes before record 4: records were reordered"),
    ("move a record to the end", lambda r: r[:2] + r[3:] + [r[2]], 4, "it comes before record 3: records were reordered"),
    ("duplicate a record", lambda r: r[:5] + [r[4]] + r[5:], 5,
     "record 5 (request r2, evaluated): it comes after record 5: records were duplicated or reordered"),
    ("swap seq numbers", lambda r: r[:3] + [dict(r[3], seq=5), dict(r[4], seq=4)] + r[5:], 5, "its hash does not match"),
    ("forged prev_hash", edit("prev_hash", "f" * 64), 5, "its hash does not match"),
    ("rewrite the whole tail but not the link", lambda r: rechain_from(edit("actor", "mallory")(r), 5), 5, "its hash does not match"),
]


@pytest.mark.parametrize("case,change,first_bad,message", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampering_is_detected_at_the_first_bad_record(case, change, first_bad, message):
    records = change(copy.deepcopy(full_log()))
    report = verify_chain(records)
    assert report.valid is False, case
    assert report.first_bad == first_bad
    assert message in report.message


def test_a_fully_rewritten_chain_verifies_so_anchor_the_head():
    original = full_log()
    forged = rechain_from(edit("actor", "mallory")(copy.deepcopy(original)), 4)
    assert verify_chain(forged).valid is True
    assert verify_chain(forged).head != verify_chain(original).head


def test_truncating_the_tail_shows_only_as_a_different_head():
    original, cut = verify_chain(full_log()), verify_chain(full_log()[:7])
    assert cut.valid is True and cut.records == 7 and cut.head != original.head

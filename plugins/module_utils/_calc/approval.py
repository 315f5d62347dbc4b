# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hypercloud.builder contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The life of a provisioning request, as a state machine over its audit events; and the audit chain.

Pure: the caller reads a request's events from the store, asks a ``plan_*`` function for the new
events (an empty list means nothing to do), chains them onto the log's last hash and writes them.
A request's state is never stored on its own: it is the fold (``replay``) of its events.

States and the events that move them (docs/provisioning-approvals.md)::

    (none)            --submitted-->             requested
    requested         --evaluated, no stage-->   approved
    requested         --evaluated, N stages-->   awaiting_stage_1
    awaiting_stage_K  --escalated-->             awaiting_stage_K, and the stage's escalation group may decide it
    awaiting_stage_K  --stage_approved-->        awaiting_stage_K+1, or approved after the last
    awaiting_stage_K  --stage_rejected-->        rejected     (closed)
    requested, awaiting_stage_K --expired-->     expired      (closed)
    approved          --provisioned-->           provisioned  (closed)
    approved          --failed-->                failed       (closed)

Escalation: a stage whose rules name ``escalate_to`` and ``escalate_after`` (frozen into the chain
at submission as ``escalation``) is escalated once it has waited that long (``plan_escalate``); from
then on, the members of the escalation group may decide that stage as well as its own group. The
escalation and each decision made through it (``escalated: true``, ``group`` the escalation group)
are audit records like any other.

Refused with PlanError: self-approval, an approver outside the group of the stage that awaits a
decision (and outside its escalation group once escalated), a decision for another stage than the
one that awaits (out of order), an escalation group member before the stage is escalated, one
approver deciding two stages, an escalation before its time or of a stage without one, any decision
or outcome on a closed request, and an outcome from a state it cannot follow.

Audit chain: every event gets ``seq`` (1, 2, ... over the whole log), ``prev_hash`` (the previous
record's hash; 64 zeros for the first) and ``hash = sha256(prev_hash + "\\n" + canonical JSON of
{seq, request_id, kind, actor, at, data})``. ``verify_chain`` names the first record that was
changed, removed or moved. Removing records at the end of the log leaves a valid, shorter chain:
anchor ``head`` (the last hash) outside the store to detect that too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ansible_collections.hypercloud.builder.plugins.module_utils._calc.errors import PlanError

GENESIS = "0" * 64
REQUESTED = "requested"
APPROVED = "approved"
REJECTED = "rejected"
EXPIRED = "expired"
PROVISIONED = "provisioned"
FAILED = "failed"
AWAITING = "awaiting_stage_"
CLOSED = (REJECTED, EXPIRED, PROVISIONED, FAILED)
OUTCOMES = (EXPIRED, PROVISIONED, FAILED)
DECISIONS = ("approve", "reject")
EVENT_KEYS = ("actor", "at", "data", "kind", "request_id", "seq")


@dataclass
class RequestState:
    """Where a request stands, folded from its events."""

    request_id: str
    state: str = ""
    requester: str = ""
    request: Dict[str, Any] = field(default_factory=dict)
    chain: List[Dict[str, Any]] = field(default_factory=list)
    stage: Optional[int] = None
    decisions: List[Dict[str, Any]] = field(default_factory=list)
    outcome: Dict[str, Any] = field(default_factory=dict)
    submitted_at: str = ""
    updated_at: str = ""
    stage_since: str = ""
    escalations: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def current_stage(self) -> Optional[Dict[str, Any]]:
        return self.chain[self.stage - 1] if self.stage else None

    @property
    def escalated(self) -> bool:
        """Whether the stage that awaits a decision was escalated."""
        return self.stage is not None and any(e["stage"] == self.stage for e in self.escalations)

    def to_dict(self) -> Dict[str, Any]:
        stage = self.current_stage
        return dict(request_id=self.request_id, state=self.state, requester=self.requester,
                    request=dict(self.request), chain=[dict(s) for s in self.chain], stage=self.stage,
                    stage_name=stage["name"] if stage else None, awaiting_group=stage["group"] if stage else None,
                    stage_since=self.stage_since if stage else None,
                    escalation=dict(stage["escalation"]) if stage and stage.get("escalation") else None,
                    escalated=self.escalated, escalations=[dict(e) for e in self.escalations],
                    decisions=[dict(d) for d in self.decisions], outcome=dict(self.outcome),
                    closed=self.state in CLOSED, submitted_at=self.submitted_at, updated_at=self.updated_at)


def _event(request_id: str, kind: str, actor: str, at: str, data: Mapping[str, Any]) -> Dict[str, Any]:
    return dict(request_id=request_id, kind=kind, actor=actor, at=at, data=dict(data))


def _refuse(state: RequestState, what: str) -> PlanError:
    return PlanError("request %s is %s: %s" % (state.request_id, state.state, what))


def _apply(state: RequestState, event: Mapping[str, Any]) -> None:
    kind, data = event["kind"], event.get("data") or {}
    if kind == "submitted":
        if state.state:
            raise _refuse(state, "it was already submitted")
        state.state, state.requester, state.request = REQUESTED, event["actor"], dict(data.get("request") or {})
        state.submitted_at = event["at"]
    elif kind == "evaluated":
        if state.state != REQUESTED:
            raise _refuse(state, "only a requested request is evaluated")
        state.chain = [dict(s) for s in data.get("chain") or []]
        state.stage = 1 if state.chain else None
        state.state = AWAITING + "1" if state.chain else APPROVED
        state.stage_since = event["at"]
    elif kind == "escalated":
        if state.stage is None or data.get("stage") != state.stage:
            raise _refuse(state, "stage %s does not await a decision and cannot be escalated" % data.get("stage"))
        if not state.current_stage.get("escalation") or state.escalated:
            raise _refuse(state, "stage %s has no escalation, or was already escalated" % state.stage)
        state.escalations.append(dict(data, actor=event["actor"], at=event["at"]))
    elif kind in ("stage_approved", "stage_rejected"):
        if state.stage is None or data.get("stage") != state.stage:
            raise _refuse(state, "no decision on stage %s is awaited" % data.get("stage"))
        state.decisions.append(dict(data, approver=event["actor"], at=event["at"]))
        if kind == "stage_rejected":
            state.state, state.stage = REJECTED, None
        elif state.stage == len(state.chain):
            state.state, state.stage = APPROVED, None
        else:
            state.stage += 1
            state.state = AWAITING + str(state.stage)
            state.stage_since = event["at"]
    elif kind in OUTCOMES:
        allowed = state.state == APPROVED if kind != EXPIRED else (state.state == REQUESTED or state.stage is not None)
        if not allowed:
            raise _refuse(state, "it cannot become %s" % kind)
        state.state, state.stage = kind, None
        state.outcome = dict(data, state=kind, actor=event["actor"], at=event["at"])
    else:
        raise PlanError("request %s: unknown event kind '%s'" % (state.request_id, kind))
    state.updated_at = event["at"]


def replay(request_id: str, events: Sequence[Mapping[str, Any]]) -> Optional[RequestState]:
    """The state after ``events`` (oldest first); None when the request has no events."""
    if not events:
        return None
    state = RequestState(request_id=request_id)
    for event in events:
        _apply(state, event)
    return state


def plan_submit(history: Sequence[Mapping[str, Any]], request_id: str, requester: str,
                request: Mapping[str, Any], evaluation: Mapping[str, Any], now: str) -> List[Dict[str, Any]]:
    """Submit and evaluate a request; ``[]`` when the same request was already submitted.

    ``evaluation`` is ``provision_policy.Evaluation.to_dict()``: its chain, approvers included,
    is frozen into the request, so later changes to the rules do not move a request in flight.
    """
    if not request_id or not request_id.strip():
        raise PlanError("request_id must be a non-empty string, not %r" % (request_id,))
    if not requester or not requester.strip():
        raise PlanError("request %s: the requester is required to submit it" % request_id)
    state = replay(request_id, history)
    if state is not None:
        if state.requester != requester or state.request != dict(request):
            raise PlanError("request %s was already submitted by %s with %s; a different request needs a new id"
                            % (request_id, state.requester, json.dumps(state.request, sort_keys=True)))
        return []
    return [
        _event(request_id, "submitted", requester, now, dict(request=dict(request))),
        _event(request_id, "evaluated", "policy", now, dict(
            chain=[dict(s) for s in evaluation.get("chain") or []],
            matched_rules=list(evaluation.get("matched_rules") or []),
            summary=evaluation.get("summary") or "")),
    ]


def _stage_of(chain: Sequence[Mapping[str, Any]], stage: Union[int, str]) -> Optional[int]:
    for entry in chain:
        if stage in (entry["number"], entry["name"], str(entry["number"])):
            return int(entry["number"])
    return None


def plan_decision(history: Sequence[Mapping[str, Any]], request_id: str, action: str, approver: str,
                  reason: str, now: str, stage: Optional[Union[int, str]] = None) -> List[Dict[str, Any]]:
    """Record ``approver``'s decision on the stage that awaits one; ``[]`` when it is already recorded."""
    state = replay(request_id, history)
    if state is None:
        raise PlanError("request %s does not exist" % request_id)
    if action not in DECISIONS:
        raise PlanError("decision '%s' is unknown (known: %s)" % (action, ", ".join(DECISIONS)))
    kind = "stage_approved" if action == "approve" else "stage_rejected"
    wanted = None if stage is None else _stage_of(state.chain, stage)
    if any(d["approver"] == approver and d["decision"] == action and wanted in (None, d["stage"]) for d in state.decisions):
        return []  # the same decision again (on the same stage, when one is named): already recorded
    if not reason or not str(reason).strip():
        raise PlanError("request %s: a decision needs a reason, for the audit record" % request_id)
    current = state.current_stage
    if current is None:
        if state.state in CLOSED:
            raise _refuse(state, "it is closed and takes no more decisions")
        raise _refuse(state, "no stage awaits a decision")
    if approver == state.requester:
        raise PlanError("request %s: %s is its requester and cannot approve or reject it (no self-approval)"
                        % (request_id, approver))
    label = "stage %d (%s)" % (current["number"], current["name"])
    if stage is not None:
        if wanted is None:
            raise PlanError("request %s has no stage %s (stages: %s)"
                            % (request_id, stage, ", ".join(s["name"] for s in state.chain)))
        if wanted != current["number"]:
            raise PlanError("request %s: decision for stage %s out of order, %s awaits a decision"
                            % (request_id, stage, label))
    escalation = current.get("escalation") or {}
    via_escalation = approver not in current["approvers"] and state.escalated and approver in escalation["approvers"]
    if approver not in current["approvers"] and not via_escalation:
        _refuse_outsider(state, approver, label)
    if any(d["approver"] == approver for d in state.decisions):
        raise PlanError("request %s: %s already decided an earlier stage; each stage needs another approver"
                        % (request_id, approver))
    data = dict(stage=current["number"], stage_name=current["name"], group=current["group"], decision=action, reason=reason)
    if via_escalation:
        data.update(group=escalation["group"], escalated=True)
    return [_event(request_id, kind, approver, now, data)]


def _refuse_outsider(state: RequestState, approver: str, label: str) -> None:
    """Why ``approver`` may not decide the awaiting stage: out of order, too early, or not a member."""
    current, rid = state.current_stage, state.request_id
    escalation = current.get("escalation") or {}
    later = [s for s in state.chain[current["number"]:] if approver in s["approvers"]]
    if later:
        raise PlanError("request %s: %s approves stage %d (%s), which comes after %s; decision out of order"
                        % (rid, approver, later[0]["number"], later[0]["name"], label))
    if not state.escalated and approver in escalation.get("approvers", ()):
        raise PlanError("request %s: %s is in escalation group %s, which decides %s only once it is escalated "
                        "(after %s s without a decision)" % (rid, approver, escalation["group"], label, escalation["after_seconds"]))
    later = [s for s in state.chain[current["number"]:] if approver in (s.get("escalation") or {}).get("approvers", ())]
    if later:
        raise PlanError("request %s: %s is in escalation group %s of stage %d (%s), which comes after %s; decision out of order"
                        % (rid, approver, later[0]["escalation"]["group"], later[0]["number"], later[0]["name"], label))
    also = (" nor in escalation group %s (members: %s)" % (escalation["group"], ", ".join(escalation["approvers"]))
            if state.escalated else "")
    raise PlanError("request %s: %s is not in approver group %s, which decides %s (members: %s)%s"
                    % (rid, approver, current["group"], label, ", ".join(current["approvers"]), also))


def _seconds(at: str) -> float:
    """Seconds since the epoch of a recorded UTC time (ISO 8601, ``Z`` or ``+00:00``)."""
    try:
        when = datetime.fromisoformat(at[:-1] + "+00:00" if at.endswith("Z") else at)
    except (TypeError, ValueError) as err:
        raise PlanError("cannot read the time %r: %s" % (at, err)) from err
    if when.tzinfo is None:
        raise PlanError("the time %r has no time zone" % at)
    return when.timestamp()


def plan_escalate(history: Sequence[Mapping[str, Any]], request_id: str, actor: str, reason: str,
                  now: str, stage: Optional[Union[int, str]] = None) -> List[Dict[str, Any]]:
    """Escalate the awaiting stage to its escalation group once it has waited long enough; ``[]`` when it is.

    With ``stage`` (number or name), only that stage: ``[]`` once it has been escalated, even after it was
    decided, so a task that is run again does not escalate the next stage.
    """
    state = replay(request_id, history)
    if state is None:
        raise PlanError("request %s does not exist" % request_id)
    current = state.current_stage
    if stage is not None:
        wanted = _stage_of(state.chain, stage)
        if wanted is None:
            raise PlanError("request %s has no stage %s (stages: %s)"
                            % (request_id, stage, ", ".join(s["name"] for s in state.chain)))
        if any(e["stage"] == wanted for e in state.escalations):
            return []
        if current is None or current["number"] != wanted:
            raise _refuse(state, "stage %s does not await a decision and was not escalated, so it cannot be "
                                 "escalated now" % stage)
    if current is None:
        raise _refuse(state, "no stage awaits a decision, so there is nothing to escalate")
    label = "stage %d (%s)" % (current["number"], current["name"])
    escalation = current.get("escalation")
    if not escalation:
        raise PlanError("request %s: %s has no escalation (its rules name no escalate_to group)" % (request_id, label))
    if state.escalated:
        return []
    waited = _seconds(now) - _seconds(state.stage_since)
    if waited < escalation["after_seconds"]:
        raise PlanError("request %s: %s has waited %d s; it is escalated to %s after %s s"
                        % (request_id, label, int(waited), escalation["group"], escalation["after_seconds"]))
    return [_event(request_id, "escalated", actor, now, dict(
        stage=current["number"], stage_name=current["name"], from_group=current["group"], group=escalation["group"],
        approvers=list(escalation["approvers"]), after_seconds=escalation["after_seconds"],
        waited_seconds=round(waited, 3), reason=reason or ""))]


def plan_outcome(history: Sequence[Mapping[str, Any]], request_id: str, outcome: str, actor: str, reason: str,
                 now: str, details: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """Record that a request expired, or was provisioned, or failed; ``[]`` when it already is."""
    state = replay(request_id, history)
    if state is None:
        raise PlanError("request %s does not exist" % request_id)
    if outcome not in OUTCOMES:
        raise PlanError("outcome '%s' is unknown (known: %s)" % (outcome, ", ".join(OUTCOMES)))
    try:
        json.dumps(details or {}, allow_nan=False)
    except ValueError as err:
        raise PlanError("request %s: details cannot be recorded in the audit log: %s" % (request_id, err)) from None
    if state.state == outcome:
        return []
    if state.state in CLOSED:
        raise _refuse(state, "it is closed and cannot become %s" % outcome)
    if outcome == EXPIRED and state.state == APPROVED:
        raise _refuse(state, "an approved request does not expire; record provisioned or failed")
    if outcome != EXPIRED and state.state != APPROVED:
        raise _refuse(state, "it cannot be %s before it is approved" % outcome)
    return [_event(request_id, outcome, actor, now, dict(reason=reason or "", details=dict(details or {})))]


# --- audit chain ------------------------------------------------------------------------------

def canonical(event: Mapping[str, Any]) -> bytes:
    """The bytes a record's hash covers: its event fields as sorted, compact, UTF-8 JSON."""
    body = {key: event.get(key) for key in EVENT_KEYS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def record_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(event)).hexdigest()


def chain_events(prev_hash: str, next_seq: int, events: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Number and hash ``events`` onto a log whose last record has ``prev_hash``."""
    records = []
    for offset, event in enumerate(events):
        record = {key: event.get(key) for key in EVENT_KEYS if key != "seq"}
        record["seq"] = next_seq + offset
        record["prev_hash"] = prev_hash
        record["hash"] = prev_hash = record_hash(prev_hash, record)
        records.append(record)
    return records


@dataclass(frozen=True)
class ChainReport:
    """The verdict on an audit log: ``first_bad`` is the seq of the first bad record."""

    valid: bool
    records: int
    head: str
    first_bad: Optional[int] = None
    message: str = ""

    def to_dict(self) -> Dict[str, Any]:
        return dict(valid=self.valid, records=self.records, head=self.head, first_bad=self.first_bad,
                    message=self.message)


def later_seqs(records: Sequence[Mapping[str, Any]], index: int) -> List[Any]:
    return [r.get("seq") for r in records[index + 1:]]


def _bad(index: int, head: str, record: Mapping[str, Any], why: str) -> ChainReport:
    name = "record %s (request %s, %s)" % (record.get("seq"), record.get("request_id"), record.get("kind"))
    return ChainReport(False, index, head, record.get("seq"), "%s: %s" % (name, why))


def verify_chain(records: Sequence[Mapping[str, Any]]) -> ChainReport:
    """Check a whole log, in stored order; stop at the first record that was changed, removed or moved.

    ``records`` counts the good records before the first bad one; ``head`` is the last good hash.
    """
    prev_hash, expected_seq = GENESIS, 1
    for index, record in enumerate(records):
        seq = record.get("seq")
        if record.get("hash") != record_hash(str(record.get("prev_hash")), record):
            return _bad(index, prev_hash, record, "its hash does not match its contents: the record was changed")
        if seq != expected_seq:
            if not isinstance(seq, int) or seq < expected_seq:
                why = "it comes after record %d: records were duplicated or reordered" % (expected_seq - 1)
            elif expected_seq in later_seqs(records, index):
                why = "it comes before record %d: records were reordered" % expected_seq
            else:
                why = "record %d is missing before it: records were removed" % expected_seq
            return _bad(index, prev_hash, record, why)
        if record.get("prev_hash") != prev_hash:
            return _bad(index, prev_hash, record,
                        "its prev_hash does not match the hash of record %d: the chain was rewritten" % (expected_seq - 1))
        prev_hash, expected_seq = record["hash"], expected_seq + 1
    return ChainReport(True, len(records), prev_hash, None, "%d records, chain intact" % len(records))

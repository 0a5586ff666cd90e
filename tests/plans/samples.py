"""Fictional plans for the tests."""

from __future__ import annotations

FULL = """\
# A fictional plan for Alex.
reasons:
  - I want to see my daughter graduate.   # in Alex's words
  - I like who I am when I'm well.

triggers:
  - id: payday
    label: Payday
    kind: event
    coping: [call-sam, breathe]
  - id: old-crowd
    label: Seeing the old crowd
    kind: person
    coping:
      - leave
      - call-sam
  - id: lonely
    label: Feeling lonely
    kind: feeling

warning_signs:
  - id: isolating
    text: I stop answering my phone.
    stage: emotional
  - id: planning
    text: I plan routes past the old places.
    stage: mental
    escalate: true

coping:
  - id: breathe
    title: Slow breathing
    kind: breathing
    steps:
      - Breathe in for 4.
      - Breathe out for 6.
  - id: call-sam
    title: Call Sam
    kind: call_someone
    steps: [Call Sam on 555 0100.]
  - id: leave
    title: Leave
    kind: leave_situation

supports:
  - name: Sam Okafor
    relationship: brother
    contact: "555 0100"

professionals:
  - name: Robin Vale
    role: Counsellor
    contact: Harbor Clinic, 555 0142

after_a_slip:
  message: One slip does not undo your progress.
  steps:
    - Get somewhere safe.
    - Call Sam.

high_risk_times:
  - label: Friday evening
    days: [fri]
    time: "18:00"
"""

MINIMAL = """\
reasons:
  - Stay well.
coping:
  - id: walk
    title: Go for a walk
"""

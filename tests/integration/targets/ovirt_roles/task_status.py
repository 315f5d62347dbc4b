#!/usr/bin/env python
"""From ansible-playbook's default output: the status (ok, changed, skipping, fatal, ...) of one task in one play.

task_status.py OUTPUT "PLAY NAME" "TASK NAME" prints the first status line after that task's banner in that play.
"""
import re
import sys

path, play, task = sys.argv[1:4]
in_play, in_task = False, False
with open(path, encoding="utf-8") as handle:
    for line in handle:
        banner = re.match(r"^(PLAY|TASK) \[(.*)\] \**$", line.rstrip("\n"))
        if banner:
            if banner.group(1) == "PLAY":
                in_play, in_task = banner.group(2) == play, False
            else:
                in_task = in_play and banner.group(2) == task
            continue
        status = re.match(r"^(ok|changed|skipping|fatal|failed):", line)
        if in_task and status:
            print(status.group(1))
            sys.exit(0)
print("absent")

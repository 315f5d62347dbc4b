#!/usr/bin/env python
"""Print the engine's hosts as NAME=STATUS, sorted, read with the real ovirtsdk4 (an independent check)."""
import os
import sys

import ovirtsdk4

conn = ovirtsdk4.Connection(url=sys.argv[1], username="admin@internal", password=os.environ["ENGINE_PASSWORD"],
                            insecure=True)
try:
    hosts = conn.system_service().hosts_service().list()
    print(" ".join(sorted("%s=%s" % (h.name, h.status.value) for h in hosts)))
finally:
    conn.close()

"""Device-side simulators: they speak the same protocols as the real devices.

Each simulator can run in-process (the adapter talks to it through a socket pair) or as a
standalone process (``faredesk-sim``) behind a pseudo-terminal or a TCP port, and can be told
to misbehave (decline, be slow, time out, lose a reply, corrupt a checksum, hang up mid-frame,
run out of paper, open its cover, lose the card mid-write).
"""

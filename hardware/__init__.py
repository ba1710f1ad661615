"""Counter devices behind small interfaces: receipt printer, cash drawer, payment terminal,
fare card reader/encoder and customer display — with simulators that speak the real
protocols. Start with ``hardware.factory.build_devices``; see ``hardware/README.md``.

This package never imports from ``app``.
"""

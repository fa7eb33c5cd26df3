"""The classroom: exercises, student copies, and the checker that grades them.

It builds on the harness (`conformance`: scenarios, backends, runner) and the
harness never imports it.
"""

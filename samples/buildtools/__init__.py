"""Builds the guest samples: one module per toolchain family, driven by ``samples/build.py``.

``target`` holds the shared vocabulary (paths, ``Target``, ``Language``, running a tool);
each of ``zig``, ``rust``, ``go``, ``assemblyscript``, ``wat``, ``python_component`` and
``js_component`` exposes its ``Language`` objects; ``plan`` discovers, selects and builds.
"""

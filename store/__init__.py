"""Where the dashboard keeps data: the one cache (``backend``), frames as bytes (``frames``), stored and
saved datasets (``datasets``, ``library``, ``filecache``), every memoized result (``results``), and the
hand-back of parse memory to the system (``memory``). No Dash, no callbacks, no layouts.
"""

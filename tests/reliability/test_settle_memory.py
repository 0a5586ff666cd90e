"""After start-up the collector stops scanning what start-up loaded (``gc.freeze``)."""

from __future__ import annotations

import gc

from bot.runtime.app import settle_memory


def test_settle_memory_moves_start_up_objects_out_of_the_collectors_way() -> None:
    try:
        settle_memory()
        frozen = gc.get_freeze_count()
        assert frozen > 1_000  # modules, mappings, settings: all loaded by now
        kept = [object() for _ in range(10)]
        assert gc.get_freeze_count() == frozen  # what comes later is collected as usual
        assert gc.is_tracked([kept]) and gc.collect() >= 0
    finally:
        gc.unfreeze()

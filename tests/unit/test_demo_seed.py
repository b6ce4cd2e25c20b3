"""The demo data of ./scripts/dev (devtools/seed.py): each demo order's site reads as the property tree (A7) names
its node — « Logement 12 », not its id made readable (« LYON BAT A LOG 12 »)."""

from __future__ import annotations

import datetime as dt

from devtools import seed


def test_each_demo_orders_site_is_labelled_as_the_property_tree_labels_its_node():
    tree = {node["node_id"]: node["label"] for node in seed.PROPERTY_TREE}
    orders = seed.demo_orders(dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC))
    assert [(o["site"]["node_id"], o["site"]["label"]) for o in orders] == [
        ("LYON-BAT-A-LOG-12", "Logement 12"), ("LYON-BAT-B", "Bâtiment B"),
        ("VILLEURBANNE-BAT-C-ESC-1", "Bâtiment C, escalier 1")]
    assert all(o["site"]["label"] == tree[o["site"]["node_id"]] for o in orders)

"""Firestore adapters: the unit of work (``unit_of_work``)."""

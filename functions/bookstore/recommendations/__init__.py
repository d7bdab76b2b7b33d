"""Recommendations: item-to-item collaborative filtering learned from orders (see model.py for the definitions).

    model.py     the maths: histories, windows, count deltas, similarity, sales weights (pure)
    learning.py  what an order event teaches, exactly once (apply_event), and the full model (replay)
    stream.py    what an orders-table stream record means: an order to add, one to remove, or nothing
    engine.py    the worker's write path: apply events in transactions, then refresh the derived lists
    codecs.py    recommendations-table items <-> model values
    store.py     RecommendationRepository: the recommendations table's reads and writes
    reading.py   the read path: ranking, and RecommendationService (for a customer, similar to a book)
    rebuild.py   recompute every derived item from the orders table

Nothing is imported here, so a function loads only the modules it uses (the API never loads the worker's).
"""

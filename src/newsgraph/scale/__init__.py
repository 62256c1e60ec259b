"""Running the per-document analysis on a cluster (docs/scale.md).

``newsgraph.scale.ray_engine`` runs ``pipeline.analyze_documents`` with Ray Data over input
shards and writes the Parquet tables of the export; ``merge`` loads such an output into a store
and builds the corpus events. Ray is an optional dependency (the ``ray`` extra); nothing here
imports it until a Ray run starts.
"""

from .merge import merge

__all__ = ["merge"]

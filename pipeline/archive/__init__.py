"""The whole archive at once: which agreement applies to which (``chain``), successive versions and
one text in two files (``versions``), the audit of every stored agreement (``audit``), bargaining
statistics (``stats``) and the renewal calendar (``calendar``).

Every module reads the clause database through :mod:`pipeline.archive.records` (or the
Elasticsearch backend) and hands findings to the compliance engine; none reaches back into parsing.
"""

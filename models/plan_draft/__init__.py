"""Drafting a plan file from the plan's text (`tdkt plan draft`, issue 24).

The text is read at the edge (models.plan_draft.source_text, bounded); everything else is pure:
the part tree (parts), the header (header), deadline phrases found with the house's phrase
reader (deadlines), who owes what to whom (duties), quotas (quotas), fields and their lead
agencies (fields), and the commented YAML (render). Nothing is invented: what the text does not
say is left empty or set to models.plan.UNDECIDED_UNIT, which `tdkt plan check` lists (see
models.plan_decisions) and `tdkt plan load` refuses; every guess carries a comment naming the
clause and the words it rests on.
"""

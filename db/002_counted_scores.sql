-- panel-tui schema, migration 2: the scores that count.
--
-- `scores` shows every assessor's current score of every cell, including those of an
-- assessor who later recused from the nominee; averaging it is not the tally. This view
-- holds only what the tally counts (contracts §3): the current score (the `scores` view's
-- rule) of an assessor of the round's panel, on a criterion of the nominee's rubric, unless
-- the assessor is recused from the nominee (the `recusals` view). AVG(value) per nominee and
-- criterion is the tally's criterion mean, before rounding.
CREATE VIEW counted_scores AS
SELECT s.assessor, s.nominee, s.criterion, s.score, s.value
FROM scores s
JOIN assessors a ON a.id = s.assessor
JOIN nominees n ON n.id = s.nominee
JOIN categories c ON c.id = n.category
JOIN criteria k ON k.rubric = c.rubric AND k.id = s.criterion
WHERE NOT EXISTS (
    SELECT 1 FROM recusals r WHERE r.assessor = s.assessor AND r.nominee = s.nominee
);

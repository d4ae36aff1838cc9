-- Nothing to undo: the times stay (they were unknown before).
SELECT 1;

"""What people read: text and JSON reports, feedback pages (with the exercises' pictures), hints, the class
summary, and what learners may see of hidden cases. These modules read results (grader.core.results), never run code."""

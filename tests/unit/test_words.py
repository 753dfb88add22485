from core.words import count, full_stop


def test_counts_say_one_in_the_singular_and_every_other_number_in_the_plural():
    assert [count(n, "interview") for n in (0, 1, 2)] == ["0 interviews", "1 interview", "2 interviews"]
    assert count(1, "self-assessment") == "1 self-assessment"
    assert count(3, "employer loses", "employers lose") == "3 employers lose"


def test_a_name_that_ends_a_sentence_with_its_own_full_stop_gets_no_second():
    assert full_stop("Your counsellor sees you as Ana L.") == "Your counsellor sees you as Ana L."
    assert full_stop("Added Nursing") == "Added Nursing."
    assert full_stop("Added Why?") == "Added Why?"

"""The loader reports every content problem as `path:line: message`, at the line to fix."""

import pytest

from courseware.course.loader import load_course
from tests.conftest import lesson_text
from tests.lab_fixtures import write_lab


def problems(tree):
    return [str(problem) for problem in load_course(tree.root).problems]


def test_valid_course_loads_in_order(content):
    course = load_course(content.root)
    assert course.ok, course.problems
    assert [lesson.slug for lesson in course.lessons] == ["intro", "next"]
    assert [module.slug for module in course.modules] == ["basics", "advanced"]
    intro = course.lessons[0]
    assert intro.objectives == ["Explain intro."]
    assert intro.sources[1] == {
        "title": "AWS Lambda pricing",
        "url": "https://aws.amazon.com/lambda/pricing/",
    }
    assert {"overview", "details"} <= intro.anchors


def test_bad_yaml_points_at_its_line(content):
    content.write("03-bad.md", "---\nslug: bad\ntitle: [unclosed\norder: 3\n---\nbody\n")
    [problem] = problems(content)
    assert problem.startswith("lessons/03-bad.md:4: invalid YAML")


def test_missing_front_matter(content):
    content.write("03-bare.md", "## Just a body\n")
    assert problems(content) == ["lessons/03-bare.md:1: file must start with YAML front matter between two '---' lines"]


def test_unclosed_front_matter(content):
    content.write("03-open.md", "---\nslug: open\n")
    assert problems(content) == ["lessons/03-open.md:1: front matter is not closed: no second '---' line"]


def test_unknown_field_points_at_the_key(content):
    content.lesson("03-extra.md", slug="extra", order=3, extra_front="difficulty: hard\n")
    [problem] = problems(content)
    assert problem.startswith("lessons/03-extra.md:15: unknown field 'difficulty'")


def test_missing_field_is_reported_at_the_top(content):
    text = lesson_text(slug="nosum", order=3).replace("summary: A lesson about nosum.\n", "")
    content.write("03-nosum.md", text)
    assert problems(content) == ["lessons/03-nosum.md:1: missing required field 'summary'"]


def test_field_given_twice(content):
    text = lesson_text(slug="twice", order=3).replace("order: 3\n", "order: 3\norder: 4\n")
    content.write("03-twice.md", text)
    assert problems(content) == ["lessons/03-twice.md:6: field 'order' is given twice (first on line 5)"]


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        (
            "slug: typed",
            "slug: Not A Slug",
            2,
            "'slug' must be lowercase letters, digits and single hyphens",
        ),
        ("order: 3", "order: three", 5, "'order' must be a whole number, not 'three'"),
        ("order: 3", "order: 0", 5, "'order' must be between 1 and 10000, not 0"),
        (
            "estimated_minutes: 15",
            "estimated_minutes: true",
            9,
            "'estimated_minutes' must be a whole number",
        ),
        ("  - Explain typed.", "  - ''", 8, "item 1 of 'objectives' must be non-empty text"),
        (
            "    url: https://aws.amazon.com/lambda/pricing/",
            "    url: ftp://example.com",
            13,
            "source 2 has an invalid url",
        ),
        ("  - title: Course fact sheet", "  - note: no title", 12, "source 1 needs a 'title'"),
        ("title: The typed lesson", "title: ''", 3, "'title' must be non-empty text"),
    ],
)
def test_wrong_types_point_at_the_value(content, old, new, line, message):
    text = lesson_text(slug="typed", order=3)
    assert old in text
    content.write("03-typed.md", text.replace(old, new))
    [problem] = problems(content)
    assert problem.startswith(f"lessons/03-typed.md:{line}: {message}"), problem


def test_duplicate_slug_names_both_files(content):
    content.lesson("03-copy.md", slug="intro", order=3)
    assert problems(content) == ["lessons/03-copy.md:2: duplicate slug 'intro' (also in lessons/01-intro.md)"]


def test_duplicate_order(content):
    content.lesson("03-clash.md", slug="clash", order=2)
    assert problems(content) == ["lessons/03-clash.md:5: duplicate order 2 (also in lessons/02-next.md)"]


def test_unknown_module(content):
    content.lesson("03-lost.md", slug="lost", order=3, module="nowhere")
    [problem] = problems(content)
    assert problem.startswith("lessons/03-lost.md:4: unknown module 'nowhere'")


def test_unknown_prerequisite_points_at_the_item(content):
    text = lesson_text(slug="deps", order=3).replace("prerequisites: []", "prerequisites:\n  - intro\n  - ghost")
    content.write("03-deps.md", text)
    assert problems(content) == ["lessons/03-deps.md:12: unknown prerequisite 'ghost': no lesson has that slug"]


def test_prerequisite_cycle(content):
    content.lesson("01-intro.md", slug="intro", order=1, prerequisites=["next"])
    [problem] = problems(content)
    assert "prerequisites form a cycle" in problem
    assert "intro" in problem and "next" in problem


def test_broken_link_to_missing_lesson_file(content):
    body = "## One\n\nText.\n\nSee [elsewhere](09-nowhere.md).\n"
    content.lesson("03-links.md", slug="links", order=3, body=body)
    assert problems(content) == [
        "lessons/03-links.md:20: broken link '09-nowhere.md': no lesson file lessons/09-nowhere.md"
    ]


def test_broken_link_to_missing_section(content):
    body = "## One\n\nSee [intro](01-intro.md#no-such-part) and [here](#one) and [there](#two).\n"
    content.lesson("03-links.md", slug="links", order=3, body=body)
    assert problems(content) == [
        "lessons/03-links.md:18: broken link '#two': this lesson has no such section",
        "lessons/03-links.md:18: broken link '01-intro.md#no-such-part': lessons/01-intro.md has no section '#no-such-part'",
    ]


def test_missing_image(content):
    body = "## One\n\n![A missing picture](images/missing.png)\n"
    content.lesson("03-img.md", slug="img", order=3, body=body)
    assert problems(content) == ["lessons/03-img.md:18: missing image file lessons/images/missing.png"]


def test_image_outside_images_folder(content):
    body = "## One\n\n![secret](../../courseware/settings.py)\n"
    content.lesson("03-img.md", slug="img", order=3, body=body)
    [problem] = problems(content)
    assert problem.startswith(
        "lessons/03-img.md:18: image '../../courseware/settings.py' must point into lessons/images/"
    )


def test_links_inside_code_are_not_checked(content):
    body = "## One\n\n```markdown\n[not a link](missing.md)\n# not a heading\n```\n\n`[inline](nope.md)`\n"
    content.lesson("03-code.md", slug="code", order=3, body=body)
    assert problems(content) == []


def test_external_and_site_links_are_allowed(content):
    body = "## One\n\n[AWS](https://aws.amazon.com/) and [calculator](/pricing/) and [mail](mailto:a@b.c).\n"
    content.lesson("03-ext.md", slug="ext", order=3, body=body)
    assert problems(content) == []


def test_level_one_heading_is_refused(content):
    content.lesson("03-h1.md", slug="h1", order=3, body="# A title again\n\nText.\n")
    assert problems(content) == ["lessons/03-h1.md:16: level-1 heading: the title comes from front matter; use '##'"]


def test_unclosed_fence(content):
    content.lesson("03-fence.md", slug="fence", order=3, body="## One\n\n```python\nx = 1\n")
    assert problems(content) == ["lessons/03-fence.md:16: a fenced code block is never closed"]


def test_course_yaml_problems(content):
    content.write("course.yaml", "title: T\nmodules:\n  - slug: basics\n    title: Basics\n")
    found = problems(content)
    assert "lessons/course.yaml:3: module 1 must have exactly slug, title and summary" in found


def test_not_utf8(content):
    (content.lessons / "03-latin.md").write_bytes(b"---\nslug: caf\xe9\n---\n")
    [problem] = problems(content)
    assert problem.startswith("lessons/03-latin.md:1: not valid UTF-8 text")


def test_every_problem_is_reported_not_just_the_first(content):
    content.lesson("03-a.md", slug="intro", order=3, module="nowhere")
    content.write("04-b.md", "no front matter\n")
    assert len(problems(content)) == 3


def test_a_labs_links_to_lessons_are_checked_like_a_lessons(content):
    checks = "from courseware.labrunner.grading import check\n\n\n@check(points=2)\ndef ok(lab):\n    pass\n"
    body = "## Steps\n\nRead [details](01-intro.md#details), [gone](01-intro.md#gone) and [lost](09-lost.md).\n"
    write_lab(content, checks, body)
    assert problems(content) == [
        "labs/demo/lab.md:15: broken link '01-intro.md#gone': lessons/01-intro.md has no section '#gone'",
        "labs/demo/lab.md:15: broken link '09-lost.md': no lesson file lessons/09-lost.md",
    ]

"""The GIFT examples Moodle documents (docs.moodle.org, "GIFT format", and the examples file that
ships with Moodle's GIFT importer), one question per form, for the import tests. Each is given
with what it must become, so a form that stops importing as Moodle reads it fails by name."""

EXAMPLES = {
    "multiple-choice": "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
    "missing-word": "Grant is {~buried =entombed ~living} in Grant's tomb.",
    "true-false": "Grant is buried in Grant's tomb.{FALSE}",
    "short-answer": "Who's buried in Grant's tomb?{=no one =nobody}",
    "numerical": "When was Ulysses S. Grant born?{#1822:1}",
    "answers-on-lines": "The American holiday of Thanksgiving is celebrated on the {\n    ~second\n    ~third\n    =fourth\n} Thursday of November.",
    "answers-indented": "Japanese characters originally came from what country? {\n    ~India\n    =China\n    ~Korea\n    ~Egypt}",
    "short-missing-word": "Two plus two equals {=four =4}.",
    "true-short": "The sun rises in the east.{T}",
    "matching": "Match the following countries with their corresponding capitals. {\n    =Canada -> Ottawa\n    =Italy  -> Rome\n    =Japan  -> Tokyo\n    =India  -> New Delhi\n    }",
    "numerical-exact": "When was Ulysses S. Grant born? {#1822}",
    "numerical-tolerance": "What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.",
    "numerical-range": "What is the value of pi (to 3 decimal places)? {#3.141..3.142}.",
    "numerical-partial": "When was Ulysses S. Grant born? {#\n    =1822:0\n    =%50%1822:2}",
    "line-comment": "// Subheading: Numerical questions below\nWhat's 2 plus 2? {#4}",
    "question-name": "::Kanji Origins::Japanese characters originally\ncame from what country? {=China}",
    "question-name-missing-word": "::Thanksgiving Date::The American holiday of Thanksgiving is\ncelebrated on the {~second ~third =fourth} Thursday of November.",
    "feedback": "What's the answer to this multiple-choice question?{\n~wrong answer#feedback comment on the wrong answer\n~another wrong answer#feedback comment on this wrong answer\n=right answer#Very good!}",
    "short-feedback": "Who's buried in Grant's tomb?{\n=no one#excellent answer!\n=nobody#excellent answer!}",
    "text-format": "[markdown]Who's buried in **Grant's tomb**?{\n=no one#excellent answer!\n=nobody#excellent answer!}",
    "true-false-feedback": "Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}",
    "half-credit": "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}",
    "weighted-choices": "::Jesus' hometown::Jesus Christ was from {\n    ~Jerusalem#This was an important city, but the wrong answer.\n    ~%25%Bethlehem#He was born here, but not raised here.\n    ~%50%Galilee#You need to be more specific.\n    =Nazareth#Yes! That's right!}.",
    "weighted-short": "::Jesus' hometown:: Jesus Christ was from {\n    =Nazareth#Yes! That's right!\n    =%75%Nazereth#Right, but misspelled.\n    =%25%Bethlehem#He was born here, but not raised here.}",
    "multiple-answers": "What two people are entombed in Grant's tomb? {\n    ~No one\n    ~%50%Grant\n    ~%50%Grant's wife\n    ~Grant's father }",
    "multiple-answers-negative": "What two people are entombed in Grant's tomb? {\n    ~%-50%No one\n    ~%50%Grant\n    ~%50%Grant's wife\n    ~%-50%Grant's father }",
    "escaped-equals": "Which answer equals 5? {\n     ~ \\= 2 + 2\n     = \\= 2 + 3\n     ~ \\= 2 + 4  }",
    "control-characters": "::GIFT Control Characters::\nWhich of the following is NOT a control character for the GIFT import format? {\n   ~ \\~     # \\~ is a control character.\n   ~ \\=     # \\= is a control character.\n   ~ \\#     # \\# is a control character.\n   ~ \\{     # \\{ is a control character.\n   ~ \\}     # \\} is a control character.\n   = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,\n              it is used to escape the control characters. So, to specify\n              a literal backslash, you must escape it with a backslash\n              (as shown in this example).\n}",
    "matching-compact": "Match the following countries with their corresponding\ncapitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}",
    "named-feedback": "::Grant's Tomb::Grant is {\n      ~buried#No one is buried there.\n      =entombed#Right answer!\n      ~living#We hope not!\n} in Grant's tomb.",
    "half-credit-feedback": "Difficult multiple choice question.{\n     ~wrong answer           #comment on wrong answer\n     ~%50%half credit answer #comment on answer\n     =full credit answer     #well done!}",
    "numerical-feedback": "//this comment will be ignored by the filter\n::Numerical example::\nWhen was Ulysses S. Grant born? {#\n     =1822:0      #Correct! 100% credit\n     =%50%1822:2  #He was born in 1822.\n                  You get 50% credit for being close.\n}",
}


def examples_file() -> str:
    return "\n\n".join(EXAMPLES.values()) + "\n"

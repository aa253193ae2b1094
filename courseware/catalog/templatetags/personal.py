"""`{% personal "name" %}…{% endpersonal %}`: a part of a page that belongs to one reader.

Rendered as usual, it renders its contents. When a shared shell of a page is rendered
(`courseware.catalog.pages`), it leaves a marker instead and hands its contents over, to be rendered
for each reader and put in the marker's place.
"""

from django import template

register = template.Library()

SHELL = "personal_shell"  # the context variable a shell render sets


class PersonalNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        shell = context.get(SHELL)
        if shell is None:
            return self.nodelist.render(context)
        return shell.hole(self.name, self.nodelist, context)


@register.tag
def personal(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% personal "name" %} takes one quoted name')
    nodelist = parser.parse(("endpersonal",))
    parser.delete_first_token()
    return PersonalNode(bits[1][1:-1], nodelist)

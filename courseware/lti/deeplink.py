"""Deep linking (LTI Deep Linking 2.0): the instructor's chosen activities returned to the
platform as ltiResourceLink items in a signed LtiDeepLinkingResponse; graded ones carry a lineItem
so the platform makes a gradebook column for them."""

from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from . import selectors


def resource_link(item: dict, *, launch_url: str) -> DeepLinkResource:
    resource = DeepLinkResource().set_url(launch_url).set_title(item["title"])
    resource.set_custom_params({"resource": f"{item['kind']}:{item['slug']}"})
    if item["kind"] in selectors.GRADED:
        lineitem = LineItem().set_score_maximum(item["maximum"]).set_label(item["title"])
        resource.set_lineitem(lineitem.set_resource_id(f"{item['kind']}:{item['slug']}"))
    return resource


def response_jwt(launch, *, chosen: list[dict], launch_url: str) -> tuple[str, str]:
    """The signed JWT and the platform's deep_link_return_url it is posted to."""
    deep_link = launch.get_deep_link()
    settings = launch.get_launch_data()["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    token = deep_link.get_response_jwt([resource_link(item, launch_url=launch_url) for item in chosen])
    return token, settings["deep_link_return_url"]

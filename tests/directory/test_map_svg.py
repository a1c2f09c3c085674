"""The TopoJSON decoder and the SVG map, against small literal topologies and the real file."""

from __future__ import annotations

import pytest

from polku.directory import map_svg

TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 2.0], "translate": [10.0, 60.0]},
    "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
    "objects": {},
}


def test_arcs_are_delta_decoded_and_dequantised():
    assert map_svg.decode_arcs(TOPOLOGY) == [[(10.0, 60.0), (11.0, 60.0), (11.0, 62.0)],
                                             [(11.0, 62.0), (10.0, 62.0), (10.0, 60.0)]]


def test_a_ring_joins_its_arcs_and_a_negative_index_reverses_one():
    arcs = map_svg.decode_arcs(TOPOLOGY)
    assert map_svg.ring_points([0, 1], arcs) == [(10.0, 60.0), (11.0, 60.0), (11.0, 62.0), (10.0, 62.0),
                                                 (10.0, 60.0)]
    assert map_svg.ring_points([~1], arcs) == [(10.0, 60.0), (10.0, 62.0), (11.0, 62.0)]


def test_the_real_map_has_every_area_with_helsinki_and_aland_apart(areas):
    from polku.directory.selectors import collaboration_membership

    shape = map_svg.geometry(collaboration_membership())
    assert len(shape.areas) == 23
    assert "" not in shape.areas
    helsinki, aland = shape.areas["HEL"], shape.areas["AL"]
    assert helsinki.path.count("M") == 1  # one municipality polygon, not the merged Helsinki + Åland shape
    assert aland.label_x < helsinki.label_x and aland.label_x < 60  # Åland lies in the far south-west
    assert set(shape.outlines) == {"HUS", "KYS", "TAYS", "TYKS", "OYS"}
    assert 400 < shape.height < 1100 and shape.width == 420


@pytest.mark.parametrize("counts,expected", [({"A": 0, "B": 1, "C": 4}, {"A": 0, "B": 2, "C": 5}),
                                             ({"A": 0}, {"A": 0})])
def test_counts_map_to_colour_classes_with_zero_apart(counts, expected):
    assert map_svg.classes(counts) == expected


def test_area_names_are_escaped_in_the_svg(areas):
    svg = map_svg.render(counts={"PI": 3}, names={"PI": "<b>Pirkanmaa</b>"}, links={"PI": "?area=PI&map=x"},
                         labels={}, collaboration=(), title="T & <x>")
    assert "<b>" not in svg and "&lt;b&gt;Pirkanmaa&lt;/b&gt;" in svg and "?area=PI&amp;map=x" in svg
    assert "<title id=\"map-title\">T &amp; &lt;x&gt;</title>" in svg

"""RiskMap: the safety risk spatial distribution map (安全风险空间分布图).

The library turns a workspace (counties, enterprises, roads, accidents and hidden
hazards) into a graded :class:`~riskmap.assessment.Assessment`, which the command
line, the Streamlit app and the exporters all consume.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "assess", "Assessment", "settings"]


def __getattr__(name):
    # Lazy so that `import riskmap` stays cheap for the CLI's --help.
    if name == "assess":
        from riskmap.assess import assess

        return assess
    if name == "Assessment":
        from riskmap.assessment import Assessment

        return Assessment
    if name == "settings":
        from riskmap.settings import settings

        return settings
    raise AttributeError(name)

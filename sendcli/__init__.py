"""sendcli: SEN records as YAML in git, and the SEND Code of Practice's graduated approach."""

__version__ = "0.1.0"

"""The product registry shared by member states, operators and labs: canonical suppliers,
products and versions, the lab records about them, and how they reach a national model.
Pure: reading and writing the registry's files is :mod:`fiveguard.modelio.registry_files`'s.
"""

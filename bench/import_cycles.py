"""The modules of `cities` and `learningcities` that lie on an import cycle, deferred
(function-level) imports counted, as grimp (import-linter's graph) reads them.

    PYTHONPATH=. .venv/bin/python bench/import_cycles.py
"""

import grimp


def on_a_cycle(graph):
    """Each module that imports a module which leads back to it (a package and its own
    submodules do not count)."""
    found = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            related = imported.startswith(f"{module}.") or module.startswith(f"{imported}.")
            if imported == module or related:
                continue
            try:
                back = graph.find_shortest_chain(importer=imported, imported=module)
            except ValueError:  # grimp's refusal for modules sharing descendants
                continue
            if back:
                found.append(module)
                break
    return found


if __name__ == "__main__":
    modules = on_a_cycle(grimp.build_graph("cities", "learningcities", cache_dir=None))
    print(f"{len(modules)} modules on an import cycle")
    for module in modules:
        print(f"  {module}")

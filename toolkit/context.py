"""The library's entry point: a project, its CRM and (lazily) its warehouse connection.
CLI commands are a few lines over this."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.config.profiles import ResolvedTarget, load_target
from toolkit.config.project import Project, ProjectConfig
from toolkit.crm import Crm, resolve_crm
from toolkit.render import ViewRenderer

if TYPE_CHECKING:
    from toolkit.warehouse.base import Adapter


class ProjectContext:
    def __init__(
        self, project_dir: Path | str = ".", profiles_dir: Path | str | None = None, target: str | None = None
    ) -> None:
        self.project_dir = Path(project_dir).resolve()
        self.profiles_dir = Path(profiles_dir).resolve() if profiles_dir else None
        self.target_name = target

    @cached_property
    def project(self) -> Project:
        return Project.load(self.project_dir)

    @property
    def config(self) -> ProjectConfig:
        return self.project.config

    @cached_property
    def crm(self) -> Crm:
        return resolve_crm(self.project.config)

    def renderer(self, config: ProjectConfig | None = None) -> ViewRenderer:
        return ViewRenderer(config or self.project.config, self.crm, self.project_dir)

    @cached_property
    def target(self) -> ResolvedTarget:
        return load_target(self.project.config.profile, self.target_name, self.profiles_dir, self.project_dir)

    def adapter(self) -> Adapter:
        from toolkit.warehouse import adapter_for

        return adapter_for(self.target, base_dir=self.project_dir)

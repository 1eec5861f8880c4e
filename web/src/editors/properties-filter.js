// The properties panel offers what Ravand reads (assignment, due date, priority, forms, service task
// names, timers, conditions, messages, scripts, retries) and hides what deploy refuses or ignores
// (listeners, connectors, input/output mappings, field injection, history and tasklist settings).

const HIDDEN = new Set([
  'CamundaPlatform__ExecutionListener', 'CamundaPlatform__TaskListener',
  'CamundaPlatform__Input', 'CamundaPlatform__Output',
  'CamundaPlatform__ConnectorInput', 'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__InMapping', 'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__OutMapping', 'CamundaPlatform__OutMappingPropagation',
  'CamundaPlatform__FieldInjection', 'CamundaPlatform__HistoryCleanup', 'CamundaPlatform__Tasklist',
  'CamundaPlatform__CandidateStarter', 'CamundaPlatform__ExternalTask', 'CamundaPlatform__Errors',
  'CamundaPlatform__ExtensionProperties', 'CamundaPlatform__AsynchronousContinuations',
]);

class RavandPropertiesFilter {
  constructor(propertiesPanel, translate) {
    this.translate = translate;
    propertiesPanel.registerProvider(100, this); // after the Camunda provider (500)
  }

  // The panel's own group titles ("Toggle section", "Section contains edits") are translated only when
  // a group carries the translate function, which the BPMN provider leaves out: it is added here.
  getGroups() {
    return (groups) => groups.filter((group) => !HIDDEN.has(group.id)).map((group) => ({ ...group, translate: this.translate }));
  }
}

RavandPropertiesFilter.$inject = ['propertiesPanel', 'translate'];

export const PropertiesFilterModule = {
  __init__: ['ravandPropertiesFilter'],
  ravandPropertiesFilter: ['type', RavandPropertiesFilter],
};

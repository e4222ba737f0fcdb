/**
 * Settings of the officer search: the map widget it draws on (required), the config file,
 * the officer view and geocoding service URLs, and the radius unit.
 */
import { hooks, type ImmutableObject } from 'jimu-core';
import type { AllWidgetSettingProps } from 'jimu-for-builder';
import { Option, Select, TextInput } from 'jimu-ui';
import { MapWidgetSelector, SettingRow, SettingSection } from 'jimu-ui/advanced/setting-components';
import type { Config } from '../config';
import defaultMessages from './translations/default';

type UrlKey = 'configUrl' | 'serviceUrl' | 'geocodeUrl';
const URL_KEYS: readonly UrlKey[] = ['configUrl', 'serviceUrl', 'geocodeUrl'];

export default function Setting(props: AllWidgetSettingProps<ImmutableObject<Config>>) {
  const translate = hooks.useTranslation(defaultMessages);
  const change = <K extends keyof Config>(key: K, value: Config[K]) =>
    props.onSettingChange({ id: props.id, config: props.config.set(key, value) });

  return (
    <div className="widget-setting-cam-incident-search">
      <SettingSection title={translate('map')}>
        <SettingRow flow="wrap" label={translate('mapHint')}>
          <MapWidgetSelector
            useMapWidgetIds={props.useMapWidgetIds}
            onSelect={(useMapWidgetIds) => props.onSettingChange({ id: props.id, useMapWidgetIds })}
          />
        </SettingRow>
      </SettingSection>
      <SettingSection title={translate('services')}>
        {URL_KEYS.map((key) => (
          <SettingRow key={key} flow="wrap" label={translate(key)}>
            <TextInput
              type="url"
              aria-label={translate(key)}
              defaultValue={props.config[key]}
              onAcceptValue={(value) => change(key, value.trim())}
            />
          </SettingRow>
        ))}
        <SettingRow flow="wrap" label={translate('radiusUnit')}>
          <Select
            aria-label={translate('radiusUnit')}
            value={props.config.radiusUnit}
            onChange={(event) => change('radiusUnit', event.target.value === 'm' ? 'm' : 'ft')}
          >
            <Option value="ft">{translate('feet')}</Option>
            <Option value="m">{translate('meters')}</Option>
          </Select>
        </SettingRow>
      </SettingSection>
    </div>
  );
}
